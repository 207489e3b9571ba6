<#
.SYNOPSIS
    Scheduled sync of every boot proxy in a NetbootOci inventory (systemd timer, Windows Task Scheduler, or by hand).
.DESCRIPTION
    Runs the inventory pipeline
        Get-NetbootArtifact -InventoryPath ... | Test-NetbootSignature -PassThru | Save-NetbootArtifact | Set-NetbootLink
    under a machine-wide lock, appends to a log, writes the last run's counts as JSON, and exits with the
    monitoring-plugin codes (the same as netboot-sync.sh):
        0 OK        every artifact and link is in the desired state
        1 WARNING   some artifacts or links failed (the others were synced); see the log
        2 CRITICAL  the inventory is invalid (nothing was touched), or the module or a path is unusable
        3 UNKNOWN   another sync still holds the lock; this run did nothing
    Registry credentials come from the environment variables the inventory names (set them for the task's account
    or in the systemd unit's EnvironmentFile).

    Default places: on Windows under $env:ProgramData\NetbootOci; elsewhere the FHS ones,
    /etc/netboot-oci/site.yaml, /var/log/netboot-oci/sync.log, /var/lib/netboot-oci/last-sync.json and the lock
    /run/lock/netboot-sync.lock (or /var/lock, or next to the state file), the lock netboot-sync.sh takes too.

    -WhatIf writes nothing at all (no log, no state, no lock file, nothing under the roots): the cmdlets report
    what would change and the log lines go to the console.
.EXAMPLE
    pwsh -NoProfile -NonInteractive -File /usr/local/sbin/netboot-sync.ps1
.EXAMPLE
    .\netboot-sync.ps1 -InventoryPath C:\ProgramData\NetbootOci\site.yaml -Proxy pxe-dc1 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string[]] $InventoryPath = $(if ($env:OS -eq 'Windows_NT') { "$env:ProgramData\NetbootOci\site.yaml" } else { '/etc/netboot-oci/site.yaml' }),
    [string] $LogPath = $(if ($env:OS -eq 'Windows_NT') { "$env:ProgramData\NetbootOci\sync.log" } else { '/var/log/netboot-oci/sync.log' }),
    [string] $StatePath = $(if ($env:OS -eq 'Windows_NT') { "$env:ProgramData\NetbootOci\last-sync.json" } else { '/var/lib/netboot-oci/last-sync.json' }),
    [string] $LockPath = $(
        if ($env:OS -eq 'Windows_NT') { "$env:ProgramData\NetbootOci\sync.lock" }
        elseif (Test-Path -LiteralPath '/run/lock' -PathType Container) { '/run/lock/netboot-sync.lock' }
        elseif (Test-Path -LiteralPath '/var/lock' -PathType Container) { '/var/lock/netboot-sync.lock' }
        else { Join-Path (Split-Path -Parent $StatePath) 'sync.lock' }),
    [string] $Proxy
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'   # the script's own steps; per-artifact cmdlet errors are collected below
$whatIf = [bool]$WhatIfPreference

function Write-Log([string] $Message) {
    $line = '{0} netboot-sync[{1}]: {2}' -f [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ'), $PID, $Message
    if ($whatIf) { Write-Output "what if: $line"; return }
    Add-Content -LiteralPath $LogPath -Value $line -Encoding UTF8
}

function Get-Id($ErrorRecord) { ($ErrorRecord.FullyQualifiedErrorId -split ',')[0] }

function Exit-Sync([int] $Code, [string] $Status) {
    Write-Output $Status
    exit $Code
}

$lock = $null
try {
    if (-not $whatIf) {
        try {
            foreach ($file in $LogPath, $StatePath, $LockPath) {
                $dir = Split-Path -Parent $file
                if ($dir -and -not (Test-Path -LiteralPath $dir -PathType Container)) { $null = New-Item -ItemType Directory -Force -Path $dir }
            }
        }
        catch { Exit-Sync 2 "CRITICAL: cannot create the log, state or lock directory: $($_.Exception.Message)" }
    }

    # One run at a time, across processes and sessions: an open with FileShare.None is a sharing lock on Windows
    # and flock(LOCK_EX) on Linux and macOS (so it also excludes netboot-sync.sh, which flocks the same file).
    # A named Global\ mutex would not do: .NET keeps named mutexes inside one process on Linux.
    # The file is never deleted (deleting it would let two runs lock two different files).
    try {
        if (-not $whatIf) {
            $lock = [IO.File]::Open($LockPath, [IO.FileMode]::OpenOrCreate, [IO.FileAccess]::ReadWrite, [IO.FileShare]::None)
            $pidBytes = [Text.Encoding]::ASCII.GetBytes("$PID`n")
            $lock.SetLength(0); $lock.Write($pidBytes, 0, $pidBytes.Length); $lock.Flush()
        }
        elseif (Test-Path -LiteralPath $LockPath -PathType Leaf) {
            # -WhatIf creates nothing, but still says when a real run would be skipped.
            $lock = [IO.File]::Open($LockPath, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::None)
        }
    }
    catch [System.UnauthorizedAccessException] { Exit-Sync 2 "CRITICAL: cannot open the lock ${LockPath}: $($_.Exception.Message)" }
    catch [System.IO.IOException] {
        Write-Log "another sync holds $LockPath; skipped"
        Exit-Sync 3 'UNKNOWN: another netboot sync is still running'
    }

    try { Import-Module NetbootOci -ErrorAction Stop }
    catch {
        Write-Log "cannot load NetbootOci: $($_.Exception.Message)"
        Exit-Sync 2 'CRITICAL: NetbootOci module not available'
    }

    $started = [DateTime]::UtcNow
    Write-Log "start: $($InventoryPath -join ', ')$(if ($Proxy) { " proxy $Proxy" })$(if ($whatIf) { ' (what if)' })"
    $get = @{ InventoryPath = $InventoryPath }
    if ($Proxy) { $get.Proxy = $Proxy }
    $discoveryFailures = @()
    $artifactFailures = @()
    $linkFailures = @()
    try {
        # An OS that cannot be resolved (registry down, tag missing) is a non-terminating error: the others still sync.
        $desired = @(Get-NetbootArtifact @get -ErrorAction SilentlyContinue -ErrorVariable +discoveryFailures)
    }
    catch {
        # InventoryInvalid terminates before anything is touched; log every error as file:line:column.
        $errors = @()
        if ($_.Exception.PSObject.Properties['Errors']) { $errors = @($_.Exception.Errors) }
        if ($errors.Count -gt 0) { foreach ($e in $errors) { Write-Log "invalid: $e" } }
        else { Write-Log "invalid: $($_.Exception.Message)" }
        Write-Log "end: exit 2: $(Get-Id $_)"
        $first = if ($errors.Count -gt 0) { "$($errors.Count) error(s), first $($errors[0])" } else { $_.Exception.Message }
        Exit-Sync 2 "CRITICAL: $(Get-Id $_): $first; nothing was changed (see $LogPath)"
    }

    $saved = @($desired |
        Test-NetbootSignature -PassThru -ErrorAction SilentlyContinue -ErrorVariable +artifactFailures |
        Save-NetbootArtifact -WhatIf:$whatIf -ErrorAction SilentlyContinue -ErrorVariable +artifactFailures)
    $links = @($saved | Set-NetbootLink -WhatIf:$whatIf -ErrorAction SilentlyContinue -ErrorVariable +linkFailures)

    $failures = @($discoveryFailures) + @($artifactFailures) + @($linkFailures)
    $changedArtifacts = @($saved | Where-Object { $_.Changed })
    $changedLinks = @($links | Where-Object { $_.Changed })
    foreach ($s in $changedArtifacts) { Write-Log "$(if ($whatIf) { 'would change' } else { 'changed' }): $($s.Path) $(if ($s.PreviousDigest) { $s.PreviousDigest } else { '(new)' }) -> $($s.Digest)" }
    foreach ($f in $failures) { Write-Log "failed: $(Get-Id $f): $($f.Exception.Message)" }
    $bytes = 0
    foreach ($s in $saved) { $bytes += [long]$s.BytesDownloaded }

    $summary = '{0} artifact(s), {1} changed, {2} failed; {3} link(s) changed, {4} failed' -f `
        ($desired.Count + $discoveryFailures.Count), $changedArtifacts.Count, ($discoveryFailures.Count + $artifactFailures.Count), $changedLinks.Count, $linkFailures.Count
    if (-not $whatIf) {
        # Monitoring reads this file: write it whole (temporary file, then rename) so it never sees half of it.
        $state = [ordered]@{
            started            = $started.ToString('o')
            finished           = [DateTime]::UtcNow.ToString('o')
            succeeded          = ($failures.Count -eq 0)
            inventory          = @($InventoryPath)
            proxy              = $(if ($Proxy) { $Proxy } else { $null })
            artifacts          = $desired.Count + $discoveryFailures.Count
            artifactsChanged   = $changedArtifacts.Count
            artifactsUnchanged = $saved.Count - $changedArtifacts.Count
            artifactsFailed    = $discoveryFailures.Count + $artifactFailures.Count
            bytesDownloaded    = $bytes
            linksChanged       = $changedLinks.Count
            linksFailed        = $linkFailures.Count
            changed            = @($changedArtifacts | ForEach-Object { $_.Path })
            failures           = @($failures | ForEach-Object { [ordered]@{ errorId = (Get-Id $_); target = "$($_.TargetObject)"; message = $_.Exception.Message } })
        }
        $tmp = "$StatePath.tmp"
        $state | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $tmp -Encoding UTF8
        Move-Item -LiteralPath $tmp -Destination $StatePath -Force
    }

    if ($failures.Count -gt 0) {
        Write-Log "end: exit 1: $summary"
        Exit-Sync 1 "WARNING: $($failures.Count) failure(s); the rest were synced (see $LogPath)"
    }
    Write-Log "end: exit 0: $summary"
    Exit-Sync 0 "OK: every proxy is in the desired state ($summary)"
}
catch {
    # Anything unforeseen (a full disk for the log, a bug) is CRITICAL for monitoring, with one line of why.
    Write-Output "CRITICAL: $($_.Exception.Message)"
    exit 2
}
finally {
    if ($lock) { $lock.Dispose() }
}
