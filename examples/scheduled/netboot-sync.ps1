<#
.SYNOPSIS
    Scheduled sync of every boot proxy in a NetbootOci inventory (Windows Task Scheduler, or by hand).
.DESCRIPTION
    Runs the inventory pipeline
        Get-NetbootArtifact -InventoryPath ... | Test-NetbootSignature -PassThru | Save-NetbootArtifact | Set-NetbootLink
    under a machine-wide lock, appends to a log, writes the last run's results as JSON, and exits with
    the monitoring-plugin codes:
        0 OK        every artifact and link is in the desired state
        1 WARNING   some artifacts failed (the others were synced); see the log
        2 CRITICAL  the inventory is invalid (nothing was touched) or the module could not be loaded
        3 UNKNOWN   another sync still holds the lock; this run did nothing
    Registry credentials come from the environment variables the inventory names (set them for the task's account).
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string[]] $InventoryPath = @("$env:ProgramData\NetbootOci\site.yaml"),
    [string] $LogPath = "$env:ProgramData\NetbootOci\sync.log",
    [string] $StatePath = "$env:ProgramData\NetbootOci\last-sync.json",
    [string] $Proxy
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Continue'

function Write-Log([string] $Message) {
    $line = '{0} netboot-sync[{1}]: {2}' -f [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ'), $PID, $Message
    Add-Content -LiteralPath $LogPath -Value $line -Encoding UTF8
}

$null = New-Item -ItemType Directory -Force -Path (Split-Path $LogPath), (Split-Path $StatePath)
# One run at a time across sessions: a named mutex in the Global namespace.
$mutex = New-Object System.Threading.Mutex($false, 'Global\NetbootOciSync')
$owned = $false
try { $owned = $mutex.WaitOne(0) } catch [System.Threading.AbandonedMutexException] { $owned = $true }
if (-not $owned) {
    Write-Log 'another sync holds the lock; skipped'
    Write-Output 'UNKNOWN: another netboot sync is still running'
    exit 3
}
try {
    try { Import-Module NetbootOci -ErrorAction Stop }
    catch { Write-Log "cannot load NetbootOci: $($_.Exception.Message)"; Write-Output 'CRITICAL: NetbootOci module not available'; exit 2 }

    Write-Log "start: $($InventoryPath -join ', ')$(if ($Proxy) { " proxy $Proxy" })"
    $get = @{ InventoryPath = $InventoryPath; ErrorAction = 'Stop' }
    if ($Proxy) { $get.Proxy = $Proxy }
    try { $desired = @(Get-NetbootArtifact @get) }
    catch {
        # InventoryInvalid lists every error with file:line:column; nothing has been touched.
        Write-Log "$($_.FullyQualifiedErrorId): $($_.Exception.Message)"
        Write-Output "CRITICAL: $($_.Exception.Message)"
        exit 2
    }

    $failures = New-Object System.Collections.ArrayList
    $links = @($desired |
        Test-NetbootSignature -PassThru -ErrorVariable +failures -ErrorAction SilentlyContinue |
        Save-NetbootArtifact -ErrorVariable +failures -ErrorAction SilentlyContinue -WhatIf:$WhatIfPreference |
        Set-NetbootLink -ErrorVariable +failures -ErrorAction SilentlyContinue -WhatIf:$WhatIfPreference)
    foreach ($f in $failures) { Write-Log "failed: $($f.FullyQualifiedErrorId): $($f.Exception.Message)" }

    $changed = @($links | Where-Object Changed).Count
    @{ finished = [DateTime]::UtcNow.ToString('o'); artifacts = $desired.Count; linksChanged = $changed; failures = @($failures | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }) } |
        ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $StatePath -Encoding UTF8

    if ($failures.Count -gt 0) {
        Write-Log "end: exit 1: $($failures.Count) failure(s), $changed link(s) changed"
        Write-Output "WARNING: $($failures.Count) failure(s); the rest were synced (see $LogPath)"
        exit 1
    }
    Write-Log "end: exit 0: $($desired.Count) artifact(s), $changed link(s) changed"
    Write-Output 'OK: every proxy is in the desired state'
    exit 0
}
finally {
    $mutex.ReleaseMutex()
    $mutex.Dispose()
}
