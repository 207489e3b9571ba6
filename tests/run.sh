#!/usr/bin/env bash
# Runs every test: restores the pinned tools (PowerShell 7.6.9 from .config/dotnet-tools.json; Pester comes with the
# build), builds the solution (which lays out the module in output/NetbootOci), runs the xunit suites (engine
# against a real docker-registry, skopeo, QEMU; cmdlet metadata) and the Pester suite in that pwsh.
# Ends with one line "N passed, N failed, N skipped" over xunit and Pester together.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results=$(mktemp -d)
dotnet tool restore >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
dotnet build NetbootOci.sln -c Release -nologo -v q || { echo "0 passed, 1 failed"; exit 1; }
status=0
dotnet test NetbootOci.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=r" --results-directory "$results" "$@" || status=1
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  read -r p f s < <(python3 - "$trx" <<'PY'
import sys, xml.etree.ElementTree as ET
ns={'t':'http://microsoft.com/schemas/VisualStudio/TeamTest/2010'}
c=ET.parse(sys.argv[1]).getroot().find('t:ResultSummary/t:Counters',ns)
print(c.get('passed'), int(c.get('failed'))+int(c.get('error'))+int(c.get('timeout'))+int(c.get('aborted')), c.get('notExecuted'))
PY
)
  passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
done
# Pester in the pinned pwsh, against the built module; its counts join xunit's.
dotnet pwsh -NoProfile -NonInteractive -File tests/pester/run.ps1 -ModuleDir output/NetbootOci \
  -ResultPath output/pester-Core.xml -CountsPath "$results/pester.counts" || status=1
if [ -s "$results/pester.counts" ]; then
  read -r p f s < "$results/pester.counts"
  passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
else
  echo "Pester did not report its counts"; failed=$((failed+1))
fi
[ "$passed" -gt 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
