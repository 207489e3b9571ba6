#!/usr/bin/env bash
# Save benchmark (issue 3): one local docker-registry, one generated artifact of SIZE_MIB (default 1024).
# Prints wall time and peak RSS of: our save (netboot-oci CLI), curl | tee | sha256sum,
# skopeo copy to dir:, the no-change re-sync; then the no-change re-sync of 50 artifacts with the registry's
# count of blob requests. BENCH_4G=1 adds a 4 GiB blob (our save only, for peak memory).
# Not part of tests/run.sh. Usage: bash tests/bench/save-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB=${SIZE_MIB:-1024}
work=$(mktemp -d /tmp/nboci-bench.XXXXXX)
cleanup() { [ -n "${regpid:-}" ] && kill "$regpid" 2>/dev/null; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

. tests/bench/registry.sh
start_bench_registry "$work" info on

dotnet build tests/NetbootOci.Benchmarks -c Release -nologo -v q >/dev/null
dotnet build src/NetbootOci.Cli -c Release -nologo -v q >/dev/null
bench="dotnet tests/NetbootOci.Benchmarks/bin/Release/net10.0/NetbootOci.Benchmarks.dll"
cli="dotnet src/NetbootOci.Cli/bin/Release/net10.0/netboot-oci.dll"
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  read -r wall rss < "$work/time"
  printf '%-44s %8.2f s %8.1f MB\n' "$label" "$wall" "$(echo "$rss / 1024" | bc -l)"
}
blob_gets() { grep -c "\"GET /v2/$1/blobs/" "$work/registry.log" || true; }

echo "generating ${SIZE_MIB} MiB and pushing it to $host ..."
head -c $((SIZE_MIB << 20)) /dev/urandom > "$work/install.img"
$bench publish "$host/bench/big:big" "$work/install.img" > /dev/null
digest=$(sha256sum "$work/install.img" | cut -d' ' -f1)
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true

printf '%-44s %10s %11s\n' "run (${SIZE_MIB} MiB blob)" "wall" "peak RSS"
measure "netboot-oci save (CLI, first sync)" $cli save "$host/bench/big:big" --destination "$work/tftp" --plain-http
measure "curl | tee | sha256sum" bash -c "curl -sf http://$host/v2/bench/big/blobs/sha256:$digest | tee $work/curl.out | sha256sum"
measure "skopeo copy docker:// dir:" skopeo copy --insecure-policy --src-tls-verify=false "docker://$host/bench/big:big" "dir:$work/skopeo"
before=$(blob_gets bench/big)
measure "netboot-oci save (CLI, no-change re-sync)" $cli save "$host/bench/big:big" --destination "$work/tftp" --plain-http
echo "  blob GETs during the re-sync: $(( $(blob_gets bench/big) - before ))"
cmp "$work/install.img" "$work/tftp/bench/big/amd64/install.img"
rm -f "$work/curl.out"; rm -rf "$work/skopeo"

echo "publishing 50 small artifacts ..."
for i in $(seq 0 49); do
  head -c 200000 /dev/urandom > "$work/vmlinuz"; head -c 300000 /dev/urandom > "$work/initrd.img"
  $bench publish "$host/bench/many:t$i" "$work/vmlinuz" "$work/initrd.img" > /dev/null
done
$cli save "$host/bench/many" --destination "$work/tftp50" --plain-http > /dev/null
before=$(blob_gets bench/many)
measure "re-sync of 50 unchanged artifacts (CLI)" $cli save "$host/bench/many" --destination "$work/tftp50" --plain-http
echo "  $(grep -c unchanged "$work/out") of 50 unchanged"
measure "  same, engine only (one process, no discovery)" $bench resync "$host/bench/many" t 50 "$work/tftp50"
echo "  $(cat "$work/out")"
echo "  blob GETs during the 50-artifact re-sync: $(( $(blob_gets bench/many) - before ))"

if [ "${BENCH_4G:-0}" = 1 ]; then
  rm -rf "$work/tftp" "$work/install.img"
  echo "generating 4096 MiB ..."
  head -c $((4096 << 20)) /dev/urandom > "$work/install.img"
  $bench publish "$host/bench/huge:huge" "$work/install.img" > /dev/null
  measure "netboot-oci save (CLI, 4 GiB blob)" $cli save "$host/bench/huge:huge" --destination "$work/tftp4" --plain-http
fi
