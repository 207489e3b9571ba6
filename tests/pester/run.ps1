<#
.SYNOPSIS
    Runs the Pester suite against a built module folder. Started by build.ps1 and tests/run.sh in a fresh
    pwsh or powershell.exe, so the module under test is not locked into the caller's session and both
    editions can be tested from one build.
.PARAMETER CountsPath
    Where to write one line "passed failed skipped" for tests/run.sh to add to the xunit counts. A block or
    file that fails before its tests run (BeforeAll, discovery) counts as one failure each.
#>
param(
    [Parameter(Mandatory)] [string]$ModuleDir,
    [Parameter(Mandatory)] [string]$ResultPath,
    [string]$CountsPath,
    [string[]]$Path = @($PSScriptRoot),
    [string[]]$ExcludeTag = @()
)
$ErrorActionPreference = 'Stop'
# The Pester the build restored from NuGet (tests/TestTools pins it), never one installed on the machine.
$pesterManifest = [IO.Path]::Combine($PSScriptRoot, '..', '..', 'output', 'tools', 'Pester', 'Pester.psd1')
if (-not (Test-Path $pesterManifest)) {
    Write-Error "Pester is not in output/tools: build the solution first (dotnet build NetbootOci.sln restores it from NuGet)"
    exit 2
}
$pester = Import-Module $pesterManifest -PassThru
$env:NETBOOTOCI_MODULE = (Resolve-Path $ModuleDir).Path
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Filter.ExcludeTag = $ExcludeTag
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultPath
Write-Host "Pester $($pester.Version) on PowerShell $($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition)) against $env:NETBOOTOCI_MODULE"
$run = Invoke-Pester -Configuration $config
$failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
if ($CountsPath) { "$($run.PassedCount) $failed $($run.SkippedCount + $run.NotRunCount)" | Set-Content -Path $CountsPath }
exit ([int]($failed -gt 0 -or $run.PassedCount -eq 0))
