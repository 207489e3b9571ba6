# Dot-sourced by every *.Tests.ps1 (in BeforeAll and BeforeDiscovery): imports the BUILT module
# (output/NetbootOci, or $env:NETBOOTOCI_MODULE), never src/, and provides fixtures that need no network:
# boot files, an OCI image-layout published with the module itself, and a real docker-registry where the
# machine has one.
$ErrorActionPreference = 'Stop'
$ModuleDir = if ($env:NETBOOTOCI_MODULE) { $env:NETBOOTOCI_MODULE } else { [IO.Path]::Combine($PSScriptRoot, '..', '..', 'output', 'NetbootOci') }
if (-not (Get-Module NetbootOci)) { Import-Module ([IO.Path]::Combine($ModuleDir, 'NetbootOci.psd1')) }
if (-not (Get-Variable IsWindows -ErrorAction SilentlyContinue)) { Set-Variable IsWindows $true -Scope Global }

function Test-Cmdlet([string]$Name) { [bool](Get-Command $Name -Module NetbootOci -ErrorAction Ignore) }

function New-BootFiles([string]$Path) {
    # Random content of plausible sizes (a tiny "kernel" would be reported as suspicious).
    New-Item -ItemType Directory -Force $Path | Out-Null
    $rng = [Security.Cryptography.RandomNumberGenerator]::Create()
    foreach ($f in @{ 'shimx64.efi' = 900KB; 'grubx64.efi' = 1500KB; 'vmlinuz' = 2MB; 'initrd.img' = 3MB }.GetEnumerator()) {
        $bytes = New-Object byte[] $f.Value
        $rng.GetBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $Path $f.Key), $bytes)
    }
    Get-Item $Path
}

function New-TestLayout([string]$Root, [string]$Name = 'testos', [string]$Version = '1', [string]$Architecture = 'amd64') {
    # An OCI image-layout holding one netboot artifact, written by Publish-NetbootArtifact itself.
    $files = New-BootFiles (Join-Path $Root "files-$Name-$Version-$Architecture")
    $layout = Join-Path $Root 'layout'
    Publish-NetbootArtifact -Path $files.FullName -Reference "oci:$layout" -Name $Name -Version $Version -Architecture $Architecture -EntryPoint shimx64.efi | Out-Null
    "oci:$layout"
}

function Test-RegistryAvailable { [bool](Get-Command docker-registry -CommandType Application -ErrorAction Ignore) }

function Start-TestRegistry([string]$Root) {
    # The real distribution registry on a free loopback port (plain HTTP, so cmdlets need -PlainHttp).
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $config = Join-Path $Root 'registry.yml'
    @"
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $(Join-Path $Root 'registry-data')
http:
  addr: 127.0.0.1:$port
"@ | Set-Content -Path $config
    $process = Start-Process docker-registry -ArgumentList 'serve', $config -PassThru -RedirectStandardError (Join-Path $Root 'registry.log') -RedirectStandardOutput (Join-Path $Root 'registry.out')
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { Invoke-WebRequest "http://127.0.0.1:$port/v2/" -UseBasicParsing -TimeoutSec 2 | Out-Null; break } catch { Start-Sleep -Milliseconds 200 }
    }
    [pscustomobject]@{ Process = $process; Host = "127.0.0.1:$port" }
}

function Stop-TestRegistry($Registry) { if ($Registry -and -not $Registry.Process.HasExited) { Stop-Process -Id $Registry.Process.Id } }

function Get-ErrorId($ErrorRecord) { $ErrorRecord.FullyQualifiedErrorId.Split(',')[0] }
