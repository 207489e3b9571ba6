#!/usr/bin/env bash
# zstd decompression throughput (issue 13): the engine's managed decoder (ZstdSharp) against the real `zstd -d`
# on the same layer of SIZE_MIB (default 1024) MiB, RUNS (default 3) alternating runs, each into a null sink from
# a file in the page cache. Two builds of ours: the CLI's (ZstdSharp's net9.0 asset, chosen for net10.0) and the
# module's bin/ (its netstandard2.0 asset, what PowerShell 7 and 5.1 load). Prints per-run times, the medians and
# the ratio ours / zstd -d (time; > 1 means slower). Not part of tests/run.sh. Usage: bash tests/bench/zstd-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
work=$(mktemp -d /tmp/nboci-zstd-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

dotnet tool restore >/dev/null
dotnet build src/NetbootOci.Cli -c Release -nologo -v q >/dev/null
dotnet build src/NetbootOci -c Release -nologo -v q >/dev/null
cli_dir=src/NetbootOci.Cli/bin/Release/net10.0
module_bin=output/NetbootOci/bin

# A layer like an initrd or install tree: real binaries and text from this machine (compresses about 3x), zstd's
# default level as nboci's producer uses it.
echo "building a ${SIZE_MIB} MiB layer from /usr and compressing it (zstd -3) ..."
tar -cf - /usr/lib /usr/share /usr/bin 2>/dev/null | head -c $((SIZE_MIB << 20)) > "$work/layer" || true
[ "$(stat -c %s "$work/layer")" -eq $((SIZE_MIB << 20)) ] || { echo "could not gather ${SIZE_MIB} MiB from /usr"; exit 1; }
zstd -q -3 -T0 "$work/layer" -o "$work/layer.zst"
echo "  $(stat -c %s "$work/layer.zst") bytes compressed ($(zstd --version))"

# Correctness first: ours gives back the same bytes.
dotnet pwsh -NoProfile -File tests/bench/zstd-decode.ps1 -EngineDir "$cli_dir" -InputPath "$work/layer.zst" -OutputPath "$work/out" >/dev/null
cmp "$work/layer" "$work/out"
rm -f "$work/out" "$work/layer"
cat "$work/layer.zst" > /dev/null   # into the page cache

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
z=(); c=(); m=()
for i in $(seq "$RUNS"); do
  run_zstd() { local t0; t0=$(now); zstd -q -d -c "$work/layer.zst" > /dev/null; echo "$(now) - $t0" | bc -l; }
  run_ours() { dotnet pwsh -NoProfile -File tests/bench/zstd-decode.ps1 -EngineDir "$1" -InputPath "$work/layer.zst" | cut -d' ' -f1; }
  if [ $((i % 2)) -eq 1 ]; then
    tz=$(run_zstd); tc=$(run_ours "$cli_dir"); tm=$(run_ours "$module_bin")
  else
    tm=$(run_ours "$module_bin"); tc=$(run_ours "$cli_dir"); tz=$(run_zstd)
  fi
  z+=("$tz"); c+=("$tc"); m+=("$tm")
  printf 'run %d: zstd -d %6.2f s   ours (CLI, net9.0 asset) %6.2f s   ours (module, netstandard2.0 asset) %6.2f s   load %s\n' \
    "$i" "$tz" "$tc" "$tm" "$(cut -d' ' -f1 /proc/loadavg)"
done
mz=$(median "${z[@]}"); mc=$(median "${c[@]}"); mm=$(median "${m[@]}")
mib=$SIZE_MIB
printf 'medians of %d: zstd -d %.2f s (%.0f MiB/s)   ours CLI %.2f s (%.0f MiB/s)   ours module %.2f s (%.0f MiB/s)\n' \
  "$RUNS" "$mz" "$(echo "$mib / $mz" | bc -l)" "$mc" "$(echo "$mib / $mc" | bc -l)" "$mm" "$(echo "$mib / $mm" | bc -l)"
printf 'ratio ours / zstd -d (time): CLI %.2fx, module %.2fx\n' "$(echo "$mc / $mz" | bc -l)" "$(echo "$mm / $mz" | bc -l)"
