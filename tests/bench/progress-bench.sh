#!/usr/bin/env bash
# Progress cost (issue 13): netboot-oci save of one SIZE_MIB blob (default 1024) from a local docker-registry with
# --progress none, --progress plain (stderr to a file) and live (stderr a pseudo-terminal via script(1)),
# interleaved, RUNS times each (default 3); prints each wall time, the medians and the ratios to none.
# Not part of tests/run.sh. Usage: bash tests/bench/progress-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
work=$(mktemp -d /tmp/nboci-progress-bench.XXXXXX)
cleanup() { [ -n "${regpid:-}" ] && kill "$regpid" 2>/dev/null; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

. tests/bench/registry.sh
start_bench_registry "$work" error off

dotnet build src/NetbootOci.Cli -c Release -nologo -v q >/dev/null
cli="dotnet $PWD/src/NetbootOci.Cli/bin/Release/net10.0/netboot-oci.dll"
mkdir "$work/files"
head -c $((SIZE_MIB << 20)) /dev/urandom > "$work/files/install.img"
$cli publish "$work/files" -r "$host/bench/big" --os bench --os-version 1 --arch amd64 --plain-http --progress none > /dev/null
rm -rf "$work/files"
ref="$host/bench/big:bench-1-amd64"

run() { # mode -> "wall cpu" seconds (cpu: user + system of the command and its children)
  local dest="$work/dest"
  rm -rf "$dest"
  case $1 in
    none)  /usr/bin/time -f "%e %U %S" -o "$work/time" $cli save "$ref" -d "$dest" --plain-http --progress none > /dev/null 2> "$work/err" ;;
    plain) /usr/bin/time -f "%e %U %S" -o "$work/time" $cli save "$ref" -d "$dest" --plain-http --progress plain > /dev/null 2> "$work/err" ;;
    live)  /usr/bin/time -f "%e %U %S" -o "$work/time" script -qec "$cli save '$ref' -d '$dest' --plain-http --progress auto" /dev/null > "$work/err" ;;
  esac
  read -r wall user sys < "$work/time"
  echo "$wall $(echo "$user + $sys" | bc -l)"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
none=(); plain=(); live=(); cpu_none=(); cpu_plain=(); cpu_live=()
modes=(none plain); command -v script >/dev/null && modes+=(live)
for i in $(seq "$RUNS"); do
  for m in "${modes[@]}"; do
    read -r t c < <(run "$m")
    printf 'run %d %-6s %6.2f s wall %6.2f s cpu\n' "$i" "$m" "$t" "$c"
    eval "$m+=($t); cpu_$m+=($c)"
  done
done
[ -s "$work/err" ] && grep -q 'install.img' "$work/err" || { echo "the last run printed no progress" >&2; exit 1; }
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
report() { # label, none..., --, other...
  local what=$1; shift
  local -n n=$1 p=$2 l=$3
  local mn mp ml
  mn=$(median "${n[@]}"); mp=$(median "${p[@]}")
  printf '%s, median of %d, %d MiB: none %.2f s, plain %.2f s (ratio %.3f)' "$what" "$RUNS" "$SIZE_MIB" "$mn" "$mp" "$(echo "$mp / $mn" | bc -l)"
  if [ ${#l[@]} -gt 0 ]; then ml=$(median "${l[@]}"); printf ', live %.2f s (ratio %.3f)' "$ml" "$(echo "$ml / $mn" | bc -l)"; fi
  echo
}
report wall none plain live
report cpu cpu_none cpu_plain cpu_live
