#!/usr/bin/env bash
# The quickstart through the PowerShell module (the main job): restores the pinned PowerShell 7.6.9
# (.config/dotnet-tools.json), builds the module, publishes Debian 12's netboot files into an OCI image-layout
# (./layout) and runs the inventory pipeline of ./inventory.yaml into a TFTP root (./tftproot):
#   Get-NetbootArtifact -InventoryPath inventory.yaml | Test-NetbootSignature -PassThru | Save-NetbootArtifact | Set-NetbootLink
# Run it again: nothing changes. run-cli.sh does the same with the netboot-oci command, without pwsh.
#
#   bash examples/quickstart/run.sh
#
# Needs the .NET 10 SDK and, for real boot files, Debian's debian-installer-12-netboot-amd64 package; without
# it small stand-in files are published. NETBOOT_OCI_MODULE may name an already built module folder and
# NETBOOT_OCI_PWSH a PowerShell command line (e.g. "pwsh"), to skip the restore and the build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

module=${NETBOOT_OCI_MODULE:-$repo/output/NetbootOci}
if [ -z "${NETBOOT_OCI_MODULE:-}" ]; then
  echo "Building the NetbootOci module (dotnet build -c Release)..." >&2
  dotnet build "$repo/src/NetbootOci" -c Release -nologo -v q >&2
fi
if [ -n "${NETBOOT_OCI_PWSH:-}" ]; then
  read -r -a pwsh <<<"$NETBOOT_OCI_PWSH"
else
  (cd "$repo" && dotnet tool restore >&2)
  pwsh=(dotnet tool run pwsh --)
fi
cd "$repo"
exec "${pwsh[@]}" -NoProfile -NonInteractive -File "$here/quickstart.ps1" -ModulePath "$module" "$@"
