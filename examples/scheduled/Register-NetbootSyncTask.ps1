<#
.SYNOPSIS
    Registers the hourly "NetbootOci sync" scheduled task (run elevated). Same as importing netboot-sync.task.xml.
.EXAMPLE
    .\Register-NetbootSyncTask.ps1 -ScriptPath C:\ProgramData\NetbootOci\netboot-sync.ps1 -InventoryPath C:\ProgramData\NetbootOci\site.yaml
#>
#Requires -RunAsAdministrator
param(
    [Parameter(Mandatory)] [string] $ScriptPath,
    [string] $InventoryPath = "$env:ProgramData\NetbootOci\site.yaml",
    [string] $User = 'NT AUTHORITY\SYSTEM'
)
$action = New-ScheduledTaskAction -Execute 'powershell.exe' `
    -Argument "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$ScriptPath`" -InventoryPath `"$InventoryPath`""
$trigger = New-ScheduledTaskTrigger -Once -At (Get-Date).Date.AddMinutes(5) -RepetitionInterval (New-TimeSpan -Hours 1) -RandomDelay (New-TimeSpan -Minutes 10)
# IgnoreNew: a run still going when the next one is due is left alone (the script's lock is the second guard).
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -StartWhenAvailable -ExecutionTimeLimit (New-TimeSpan -Hours 2) -Priority 7
$principal = New-ScheduledTaskPrincipal -UserId $User -LogonType ServiceAccount -RunLevel Highest
Register-ScheduledTask -TaskName 'NetbootOci sync' -TaskPath '\NetbootOci\' -Action $action -Trigger $trigger `
    -Settings $settings -Principal $principal -Description 'Sync netboot files from OCI registries onto this boot server (exit 0 OK, 1 partial, 2 invalid inventory, 3 already running).' -Force
