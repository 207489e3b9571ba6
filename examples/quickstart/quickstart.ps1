<#
.SYNOPSIS
    The quickstart through the module: publish Debian 12's netboot files into ./layout, then make ./tftproot
    match ./inventory.yaml with the inventory pipeline. Started by run.sh (which restores pwsh and builds the
    module); runs as it is in any pwsh that can import NetbootOci.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $ModulePath = 'NetbootOci'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Set-Location $PSScriptRoot

# 1. The boot files: Debian's signed shim and grub, pxelinux, the installer kernel and initrd.
$images = '/usr/lib/debian-installer/images/12/amd64/text'
$files = Join-Path ([IO.Path]::GetTempPath()) ("netboot-quickstart-" + [guid]::NewGuid().ToString('n'))
New-Item -ItemType Directory $files | Out-Null
try {
    $names = 'bootnetx64.efi', 'grubx64.efi', 'pxelinux.0', 'linux', 'initrd.gz', 'ldlinux.c32'
    if (Test-Path "$images/debian-installer/amd64/linux") {
        foreach ($n in $names) {
            $from = if ($n -eq 'ldlinux.c32') { "$images/ldlinux.c32" } else { "$images/debian-installer/amd64/$n" }
            Copy-Item -LiteralPath (Get-Item $from).ResolvedTarget -Destination (Join-Path $files $n)
        }
    }
    else {
        Write-Warning 'debian-installer-12-netboot-amd64 is not installed: publishing stand-in files (they do not boot).'
        $rng = [Security.Cryptography.RandomNumberGenerator]::Create()
        foreach ($n in $names) { $b = New-Object byte[] 65536; $rng.GetBytes($b); [IO.File]::WriteAllBytes((Join-Path $files $n), $b) }
    }

    # 2. Publish them into the layout (the current netboot format: tag debian-12-amd64, index debian-12).
    Get-ChildItem $files -File |
        Publish-NetbootArtifact -Reference oci:layout -Name debian -Version 12 -Architecture amd64 `
            -EntryPoint bootnetx64.efi -AltEntryPoint grubx64.efi -LegacyEntryPoint pxelinux.0 |
        Format-Table Name, Version, Architecture, Changed, Tag
}
finally { Remove-Item -Recurse -Force $files }

# 3. Make the proxy match the inventory.
Get-NetbootArtifact -InventoryPath inventory.yaml |
    Test-NetbootSignature -PassThru |
    Save-NetbootArtifact |
    Set-NetbootLink |
    Format-Table -AutoSize
"TFTP root: $(Join-Path $PSScriptRoot 'tftproot') (serve it with: in.tftpd -L -s $(Join-Path $PSScriptRoot 'tftproot'))"
