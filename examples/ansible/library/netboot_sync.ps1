#!powershell
#AnsibleRequires -CSharpUtil Ansible.Basic

# Makes a boot proxy match a NetbootOci inventory:
#   Get-NetbootArtifact -InventoryPath ... | Test-NetbootSignature -PassThru | Save-NetbootArtifact | Set-NetbootLink
# Check mode runs the same pipeline with -WhatIf (the cmdlets report what would change and touch nothing).

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

$common = @{ WhatIf = $module.CheckMode; Confirm = $false }
$get = @{ InventoryPath = $module.Params.inventory; ErrorAction = 'Stop' }
if ($module.Params.proxy) { $get.Proxy = $module.Params.proxy }

try {
    $desired = @(Get-NetbootArtifact @get)
}
catch {
    # InventoryInvalid: the message lists every error as file:line:column; nothing was touched.
    $module.Result.error_id = $_.FullyQualifiedErrorId
    $module.FailJson("The inventory is invalid: $($_.Exception.Message)", $_)
}

$failures = New-Object System.Collections.ArrayList
$saved = @($desired |
    Test-NetbootSignature -PassThru -ErrorAction SilentlyContinue -ErrorVariable +failures |
    Save-NetbootArtifact @common -ErrorAction SilentlyContinue -ErrorVariable +failures)
$links = @($saved | Set-NetbootLink @common -ErrorAction SilentlyContinue -ErrorVariable +failures)

$module.Result.changed = [bool](@($saved | Where-Object Changed).Count + @($links | Where-Object Changed).Count)
$module.Result.artifacts = @($saved | ForEach-Object {
    @{ name = $_.Name; version = $_.Version; architecture = $_.Architecture; digest = $_.Digest; path = $_.Path
       changed = [bool]$_.Changed; previous_digest = $_.PreviousDigest; bytes_downloaded = $_.BytesDownloaded }
})
$module.Result.links = @($links | Where-Object Changed | ForEach-Object {
    @{ link = $_.LinkPath; target = $_.Target; previous_target = $_.PreviousTarget }
})
$module.Result.failures = @($failures | ForEach-Object { @{ error_id = $_.FullyQualifiedErrorId; message = $_.Exception.Message } })

# diff: what each OS entry and link served before, and what it serves now (or would, in check mode).
$before = @{}; $after = @{}
foreach ($s in $saved) { $before[$s.Path] = $s.PreviousDigest; $after[$s.Path] = $s.Digest }
foreach ($l in $links) { if ($l.Changed) { $before[$l.LinkPath] = $l.PreviousTarget; $after[$l.LinkPath] = $l.Target } }
$module.Diff.before = $before
$module.Diff.after = $after

if ($failures.Count -gt 0) {
    $module.Result.error_id = $failures[0].FullyQualifiedErrorId
    $module.FailJson("$($failures.Count) artifact(s) or link(s) failed; the rest were synced. First: $($failures[0].Exception.Message)")
}
$module.ExitJson()
