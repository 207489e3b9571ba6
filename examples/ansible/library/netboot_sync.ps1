#!powershell
#AnsibleRequires -CSharpUtil Ansible.Basic

# Makes a boot proxy match a NetbootOci inventory:
#   Get-NetbootArtifact -InventoryPath ... | Test-NetbootSignature -PassThru | Save-NetbootArtifact | Set-NetbootLink
# Check mode runs the same pipeline with -WhatIf: the cmdlets return the results a real run would (Changed,
# PreviousDigest) and touch nothing, so `changed` and the diff say what would change.
# Failures carry NetbootOci's documented error id (README "Error ids") in `error_id`, and the message starts with it.

$spec = @{
    options = @{
        inventory      = @{ type = 'list'; elements = 'path'; required = $true }
        proxy          = @{ type = 'str' }
        module_version = @{ type = 'str' }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

try {
    $import = @{ Name = 'NetbootOci'; ErrorAction = 'Stop' }
    if ($module.Params.module_version) { $import.MinimumVersion = $module.Params.module_version }
    Import-Module @import
}
catch {
    $module.FailJson("NetbootOci is not installed on this host: $($_.Exception.Message)", $_)
}

function Get-ErrorId($ErrorRecord) { ($ErrorRecord.FullyQualifiedErrorId -split ',')[0] }

$common = @{ WhatIf = $module.CheckMode; Confirm = $false }
$get = @{ InventoryPath = $module.Params.inventory }
if ($module.Params.proxy) { $get.Proxy = $module.Params.proxy }

# Ansible runs modules with $ErrorActionPreference = 'Stop'; each cmdlet's per-artifact errors are collected
# instead, so one unreachable registry or missing tag does not stop the other artifacts.
$failures = New-Object System.Collections.ArrayList
try {
    $desired = @(Get-NetbootArtifact @get -ErrorAction SilentlyContinue -ErrorVariable +failures)
}
catch {
    # InventoryInvalid: the message lists every error as file:line:column; nothing was touched.
    $module.Result.error_id = Get-ErrorId $_
    $module.FailJson("$(Get-ErrorId $_): $($_.Exception.Message)", $_)
}

$saved = @($desired |
    Test-NetbootSignature -PassThru -ErrorAction SilentlyContinue -ErrorVariable +failures |
    Save-NetbootArtifact @common -ErrorAction SilentlyContinue -ErrorVariable +failures)
$links = @($saved | Set-NetbootLink @common -ErrorAction SilentlyContinue -ErrorVariable +failures)

$module.Result.changed = [bool](@($saved | Where-Object { $_.Changed }).Count + @($links | Where-Object { $_.Changed }).Count)
$module.Result.artifacts = @($saved | ForEach-Object {
    @{ name = $_.Name; version = $_.Version; architecture = $_.Architecture; digest = $_.Digest; path = $_.Path
       changed = [bool]$_.Changed; previous_digest = $_.PreviousDigest; bytes_downloaded = $_.BytesDownloaded }
})
$module.Result.links = @($links | Where-Object { $_.Changed } | ForEach-Object {
    @{ link = $_.LinkPath; target = $_.Target; previous_target = $_.PreviousTarget; action = "$($_.Action)" }
})
$module.Result.failures = @($failures | ForEach-Object {
    @{ error_id = (Get-ErrorId $_); target = "$($_.TargetObject)"; message = $_.Exception.Message }
})

# diff: what each OS entry and link served before, and what it serves now (or would, in check mode).
$before = @{}; $after = @{}
foreach ($s in $saved) { if ($s.Changed) { $before[$s.Path] = $s.PreviousDigest; $after[$s.Path] = $s.Digest } }
foreach ($l in $links) { if ($l.Changed) { $before[$l.LinkPath] = $l.PreviousTarget; $after[$l.LinkPath] = $l.Target } }
$module.Diff.before = $before
$module.Diff.after = $after

if ($failures.Count -gt 0) {
    $first = $failures[0]
    $module.Result.error_id = Get-ErrorId $first
    $module.FailJson("$(Get-ErrorId $first): $($first.Exception.Message) ($($failures.Count) failure(s) in all; the other artifacts and links $(if ($module.CheckMode) { "would be" } else { "were" }) synced)")
}
$module.ExitJson()
