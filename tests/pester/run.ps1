<#
.SYNOPSIS
    Runs the Pester suite against a built module folder. Started by build.ps1 in a fresh pwsh or
    powershell.exe so the module under test is not locked into the build's session and both editions
    can be tested from one build.
#>
param(
    [Parameter(Mandatory)] [string]$ModuleDir,
    [Parameter(Mandatory)] [string]$ResultPath,
    [string[]]$ExcludeTag = @()
)
$ErrorActionPreference = 'Stop'
$pester = Get-Module -ListAvailable Pester | Where-Object { $_.Version -ge [version]'5.3' } | Sort-Object Version -Descending | Select-Object -First 1
if (-not $pester) {
    Write-Error "Pester 5.3 or later is not installed for $($PSVersionTable.PSEdition) $($PSVersionTable.PSVersion): Install-Module Pester -MinimumVersion 5.3 -Scope CurrentUser -Force -SkipPublisherCheck (or build.ps1 -Bootstrap)"
    exit 2
}
Import-Module $pester
$env:NETBOOTOCI_MODULE = (Resolve-Path $ModuleDir).Path
$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.Exit = $true
$config.Output.Verbosity = 'Detailed'
$config.Filter.ExcludeTag = $ExcludeTag
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultPath
Write-Host "Pester $($pester.Version) on PowerShell $($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition)) against $env:NETBOOTOCI_MODULE"
Invoke-Pester -Configuration $config
