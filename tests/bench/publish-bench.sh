#!/usr/bin/env bash
# Publish benchmark (not run by tests/run.sh): a generated 1 GiB boot-file set published by
# `netboot-oci publish` vs `skopeo copy oci:LAYOUT docker://...` of the same files, each into a fresh
# docker-registry (distribution 2.8) on 127.0.0.1. Prints wall times, peak RSS and the ratio.
#   usage: tests/bench/publish-bench.sh [rounds]        (BENCH_DIR to reuse the generated files)
set -euo pipefail
rounds=${1:-3}
repo_root=$(cd "$(dirname "$0")/../.." && pwd)
work=${BENCH_DIR:-/tmp/nboci-bench-publish}
files=$work/files
layout=$work/layout
mkdir -p "$files"

timeout 600 dotnet build "$repo_root/src/NetbootOci.Cli" -c Release -v q -nologo >/dev/null
cli=$repo_root/src/NetbootOci.Cli/bin/Release/net10.0/netboot-oci

# 1 GiB of incompressible boot files, sized like a Fedora netboot set.
gen() { [ -f "$files/$1" ] && [ "$(stat -c %s "$files/$1")" = "$2" ] || head -c "$2" /dev/urandom > "$files/$1"; }
gen shimx64.efi $((1 << 20))
gen grubx64.efi $((4 << 20))
gen vmlinuz $((15 << 20))
gen initrd.img $((150 << 20))
gen install.img $(((1 << 30) - (170 << 20)))
echo "file set: $(du -b -c "$files"/* | tail -1 | cut -f1) bytes in $(ls "$files" | wc -l) files"

# The same files as an OCI layout, for skopeo to copy from.
rm -rf "$layout"
timeout 600 "$cli" publish "$files" --reference "oci:$layout" --os bench --os-version 1 --arch amd64 >/dev/null

. "$repo_root/tests/bench/registry.sh"
# CPU seconds the registry spent (user+sys), to see which side of the wire the time goes to.
registry_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$regpid/stat"; }
stop_registry() { kill "$regpid"; wait "$regpid" 2>/dev/null || true; rm -rf "$1"; }

# One timed run into a fresh registry; prints "seconds maxrss_kib user_s sys_s registry_cpu_s".
run() {
  local what=$1 dir=$work/registry-$1
  rm -rf "$dir"; start_bench_registry "$dir"; sync
  local out=$work/time-$what
  case $what in
    ours)   /usr/bin/time -f "%e %M %U %S" -o "$out" timeout 900 "$cli" publish "$files" --reference "127.0.0.1:$port/bench/netboot" \
              --os bench --os-version 1 --arch amd64 --plain-http >/dev/null ;;
    skopeo) /usr/bin/time -f "%e %M %U %S" -o "$out" timeout 900 skopeo --insecure-policy copy -q --dest-tls-verify=false \
              "oci:$layout:bench-1-amd64" "docker://127.0.0.1:$port/bench/netboot:bench-1-amd64" >/dev/null ;;
  esac
  echo "$(cat "$out") $(registry_cpu)"
  stop_registry "$dir"
}

ours=(); theirs=()
for r in $(seq "$rounds"); do
  # Alternate who goes first so neither always gets the warmer machine.
  if (( r % 2 )); then a=$(run ours); b=$(run skopeo); else b=$(run skopeo); a=$(run ours); fi
  read -r aw ar au as ac <<<"$a"; read -r bw br bu bs bc <<<"$b"
  echo "round $r: netboot-oci ${aw}s wall, cpu ${au}+${as}s, max RSS ${ar} KiB, registry cpu ${ac}s | skopeo ${bw}s wall, cpu ${bu}+${bs}s, max RSS ${br} KiB, registry cpu ${bc}s"
  ours+=("$aw"); theirs+=("$bw")
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
mo=$(median "${ours[@]}"); ms=$(median "${theirs[@]}")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "median: netboot-oci publish ${mo}s, skopeo copy ${ms}s, ratio $(awk -v a="$mo" -v b="$ms" 'BEGIN {printf "%.2f", a/b}')x (target <= 1.10x)"
