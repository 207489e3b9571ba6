#!/usr/bin/env bash
# The quickstart without PowerShell, through the netboot-oci command: publish Debian 12's netboot files into
# an OCI image-layout (./layout), then sync the inventory (./inventory.yaml) into a TFTP root (./tftproot).
# Run it again: nothing changes. (run.sh does the same through the PowerShell module.)
#
#   bash examples/quickstart/run-cli.sh
#
# Needs the .NET 10 SDK (the netboot-oci command is built on first use) and, for real boot files,
# Debian's debian-installer-12-netboot-amd64 package; without it small stand-in files are published.
# NETBOOT_OCI may name an already built command (e.g. "dotnet /path/netboot-oci.dll").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ -z "${NETBOOT_OCI:-}" ]; then
  cli="$repo/src/NetbootOci.Cli/bin/Release/net10.0/netboot-oci.dll"
  if [ ! -f "$cli" ] || [ -n "$(find "$repo/src" -name '*.cs' -newer "$cli" -print -quit)" ]; then
    echo "Building netboot-oci (dotnet build -c Release)..."
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$repo/src/NetbootOci.Cli" -c Release -nologo -v q >&2
  fi
  NETBOOT_OCI="dotnet $cli"
fi
read -r -a nboci <<<"$NETBOOT_OCI"

# 1. The boot files: Debian's signed shim and grub, pxelinux, the installer kernel and initrd.
d_i=/usr/lib/debian-installer/images/12/amd64/text
files=$(mktemp -d)
trap 'rm -rf "$files"' EXIT
if [ -f "$d_i/debian-installer/amd64/linux" ]; then
  for f in bootnetx64.efi grubx64.efi pxelinux.0 linux initrd.gz; do cp -L "$d_i/debian-installer/amd64/$f" "$files/"; done
  cp -L "$d_i/ldlinux.c32" "$files/"
else
  echo "debian-installer-12-netboot-amd64 is not installed: publishing stand-in files (they do not boot)." >&2
  for f in bootnetx64.efi grubx64.efi pxelinux.0 ldlinux.c32 linux initrd.gz; do
    head -c 65536 /dev/urandom >"$files/$f"
  done
fi

# 2. Publish them into the layout (the current netboot format: tag debian-12-amd64, index debian-12).
"${nboci[@]}" publish "$files" --reference "oci:$here/layout" --os debian --os-version 12 --arch amd64 \
  --entrypoint bootnetx64.efi --alt-entrypoint grubx64.efi --legacy-entrypoint pxelinux.0

# 3. Make the proxy match the inventory.
"${nboci[@]}" sync --inventory "$here/inventory.yaml" "$@"

echo "TFTP root: $here/tftproot (serve it with: in.tftpd -L -s $here/tftproot)"
