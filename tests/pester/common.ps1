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

# In CI a missing peer is a failure, not a skip: .ci/run installs docker-registry and apache2-utils.
function Test-RegistryAvailable {
    $have = [bool](Get-Command docker-registry -CommandType Application -ErrorAction Ignore)
    if (-not $have -and $env:CI -eq 'true') { throw 'docker-registry is not installed, but CI must run the registry tests (.ci/run installs it)' }
    $have
}

function Get-FreePort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $port
}

function Start-TestRegistry([string]$Root, [string]$User, [string]$Password) {
    # The real distribution registry on a free loopback port (plain HTTP, so cmdlets need -PlainHttp).
    # With -User/-Password it requires HTTP Basic auth from an htpasswd file (bcrypt, apache2-utils' htpasswd).
    $port = Get-FreePort
    $dir = Join-Path $Root "registry-$port"
    New-Item -ItemType Directory -Force $dir | Out-Null
    $auth = ''
    if ($User) {
        $htpasswd = Join-Path $dir 'htpasswd'
        & htpasswd -Bbc $htpasswd $User $Password 2>$null
        if ($LASTEXITCODE) { throw "htpasswd failed ($LASTEXITCODE)" }
        $auth = "auth:`n  htpasswd:`n    realm: netboot-test`n    path: $htpasswd`n"
    }
    $config = Join-Path $dir 'registry.yml'
    "version: 0.1`nlog:`n  level: warn`n  accesslog:`n    disabled: false`nstorage:`n  filesystem:`n    rootdirectory: $(Join-Path $dir 'data')`n  delete:`n    enabled: true`n${auth}http:`n  addr: 127.0.0.1:$port`n" | Set-Content -Path $config
    $process = Start-Process docker-registry -ArgumentList 'serve', $config -PassThru -RedirectStandardError (Join-Path $dir 'registry.log') -RedirectStandardOutput (Join-Path $dir 'registry.out')
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    $up = $false
    while (-not $up -and [DateTime]::UtcNow -lt $deadline) {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $port); $up = $true } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
    }
    if (-not $up) { throw "docker-registry did not listen on 127.0.0.1:$port (see $dir/registry.log)" }
    [pscustomobject]@{ Process = $process; Host = "127.0.0.1:$port"; Port = $port; Directory = $dir; Log = (Join-Path $dir 'registry.log') }
}

function Stop-TestRegistry($Registry) { if ($Registry -and -not $Registry.Process.HasExited) { Stop-Process -Id $Registry.Process.Id } }

function Get-ErrorId($ErrorRecord) { $ErrorRecord.FullyQualifiedErrorId.Split(',')[0] }

# The PowerShell running this suite, for child processes (a fresh session, a script run as a scheduler or
# Ansible runs it): & $PowerShellExe @PowerShellArgs -NoProfile -File x.ps1. When pwsh is the .NET tool the
# process is dotnet, so the child is `dotnet <PSHOME>/pwsh.dll`; otherwise the process itself (pwsh, powershell.exe).
$PowerShellExe = (Get-Process -Id $PID).Path
$PowerShellArgs = @()
if ([IO.Path]::GetFileNameWithoutExtension($PowerShellExe) -eq 'dotnet') { $PowerShellArgs = @(Join-Path $PSHOME 'pwsh.dll') }

# Runs a program with exactly these arguments and extra environment (a $null value removes a variable); returns
# ExitCode, StdOut, StdErr. Stdin gets -InputText and is closed, so a prompt nobody answers fails instead of
# hanging; a process that outlives -TimeoutSeconds is killed (by its id) and the test fails with its output.
function Invoke-ChildProcess {
    param(
        [Parameter(Mandatory)] [string]$FilePath,
        [string[]]$ArgumentList = @(),
        [hashtable]$Environment = @{},
        [string]$WorkingDirectory = (Get-Location).ProviderPath,
        [string]$InputText,
        [int]$TimeoutSeconds = 120
    )
    $psi = New-Object Diagnostics.ProcessStartInfo $FilePath
    if ($psi.PSObject.Properties['ArgumentList']) { foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) } }
    else {
        # .NET Framework (Windows PowerShell 5.1) has only the command-line string: quote as the C runtime parses it.
        $psi.Arguments = (@(foreach ($a in $ArgumentList) { '"' + (($a -replace '(\\*)"', '$1$1\"') -replace '(\\+)$', '$1$1') + '"' })) -join ' '
    }
    foreach ($k in $Environment.Keys) {
        if ($null -eq $Environment[$k]) { [void]$psi.EnvironmentVariables.Remove($k) } else { $psi.EnvironmentVariables[$k] = [string]$Environment[$k] }
    }
    $psi.WorkingDirectory = $WorkingDirectory
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.RedirectStandardInput = $true
    $p = [Diagnostics.Process]::Start($psi)
    try {
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if ($InputText) { $p.StandardInput.Write($InputText) }
        $p.StandardInput.Close()
        if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
            Stop-Process -Id $p.Id -Force -ErrorAction Ignore
            throw "$FilePath $($ArgumentList -join ' ') did not finish within $TimeoutSeconds s (killed). Output so far:`n$($out.Result)`n$($err.Result)"
        }
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $out.Result; StdErr = $err.Result }
    }
    finally { $p.Dispose() }
}

# A fresh PowerShell like the one running the tests, for tests that must meet the module as a new session does:
# autoloading through PSModulePath, an installed copy, process-wide settings such as the TLS trust store.
function Invoke-NetbootChildPwsh {
    param(
        [Parameter(Mandatory)] [string]$File,
        [string[]]$Arguments = @(),
        [string]$WorkingDirectory = (Get-Location).ProviderPath,
        [hashtable]$Environment = @{},
        [int]$TimeoutSeconds = 180
    )
    Invoke-ChildProcess -FilePath $PowerShellExe -ArgumentList (@($PowerShellArgs) + @('-NoProfile', '-NonInteractive', '-File', $File) + $Arguments) `
        -WorkingDirectory $WorkingDirectory -Environment $Environment -TimeoutSeconds $TimeoutSeconds
}

# The first ```powershell block of README.md after the text matching -After (a regex, e.g. '(?m)^Ansible \('),
# so a test runs a documented block exactly as README shows it. Throws when README no longer has it.
function Get-ReadmeBlock([Parameter(Mandatory)] [string]$After) {
    $readme = Get-Content -Raw ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'README.md'))
    $m = [regex]::Match($readme, "(?s)$After.*?^``````powershell\r?\n(?<code>.*?)^``````", 'Multiline')
    if (-not $m.Success) { throw "README.md has no PowerShell block after /$After/" }
    $m.Groups['code'].Value
}
