<#
.SYNOPSIS
    Builds, tests and packages the NetbootOci module.
.PARAMETER Task
    Build   : dotnet build of the solution; lays out output/NetbootOci (psd1, cmdlet dll, format file,
              help generated from module/docs, engine and dependencies in bin/).
    Test    : Build, then xunit and Pester. On Linux all xunit suites run (the engine tests need the peers
              .ci/run installs: docker-registry, skopeo, QEMU, ...); on Windows only the module metadata
              tests, because those peers are Linux packages.
    Pester  : only Pester (tests/pester) against output/NetbootOci, in a fresh process of -PowerShell, with the
              Pester the build restored from NuGet into output/tools (tests/TestTools pins its version).
    Package : Build, then output/NetbootOci.<version>.nupkg (Publish-PSResource to a folder repository),
              the file Publish-PSResource -NupkgPath / dotnet nuget push sends to the PowerShell Gallery.
.PARAMETER NoBuild
    Package only: package the module already laid out in output/NetbootOci (its files are checked, nothing is
    rebuilt), as the Pester package tests do after the build that produced the module under test.
.PARAMETER PowerShell
    The PowerShell that runs Pester: pwsh (default) or powershell (Windows PowerShell 5.1).
.EXAMPLE
    ./build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Pester -PowerShell powershell    # Windows PowerShell 5.1 against the same build
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package')]
    [string]$Task = 'Test',
    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release',
    [ValidateSet('pwsh', 'powershell')]
    [string]$PowerShell = 'pwsh',
    [switch]$NoBuild
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$moduleDir = Join-Path $PSScriptRoot 'output/NetbootOci'
$onWindows = [Environment]::OSVersion.Platform -eq 'Win32NT'

function Invoke-Native([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE) { throw "$What failed (exit code $LASTEXITCODE)" }
}

function Invoke-Build {
    Invoke-Native 'dotnet build' { dotnet build NetbootOci.sln -c $Configuration -nologo }
    Test-ModuleLayout
}

function Test-ModuleLayout {
    foreach ($f in 'NetbootOci.psd1', 'NetbootOci.dll', 'NetbootOci.Contracts.dll', 'NetbootOci.Format.ps1xml', 'en-US/NetbootOci.dll-Help.xml', 'bin/NetbootOci.Engine.dll') {
        if (-not (Test-Path (Join-Path $moduleDir $f))) { throw "output/NetbootOci/$f is missing: the build did not lay out the module" }
    }
}

function Invoke-Xunit {
    $results = Join-Path $PSScriptRoot 'output/TestResults'
    if ($onWindows) {
        Write-Warning 'Windows: running the module metadata tests only (the engine tests need docker-registry, skopeo and QEMU from Linux packages).'
        Invoke-Native 'xunit' { dotnet test tests/NetbootOci.Module.Tests -c $Configuration --no-build -nologo --logger trx --results-directory $results }
    }
    else {
        Invoke-Native 'xunit' { dotnet test NetbootOci.sln -c $Configuration --no-build -nologo --logger trx --results-directory $results }
    }
}

function Invoke-PesterSuite {
    $shell = Get-Command $PowerShell -ErrorAction SilentlyContinue
    if (-not $shell) { throw "$PowerShell is not installed: the Pester suite cannot run on this machine" }
    $edition = if ($PowerShell -eq 'powershell') { 'Desktop' } else { 'Core' }
    $result = Join-Path $PSScriptRoot "output/pester-$edition.xml"
    # A fresh process: the module under test is not locked into this session, and 5.1 can test a build made here.
    & $shell.Source -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'tests/pester/run.ps1') -ModuleDir $moduleDir -ResultPath $result
    if ($LASTEXITCODE) { throw "Pester failed on $PowerShell (exit code $LASTEXITCODE); results in $result" }
}

function New-ModulePackage {
    if (-not (Get-Command Publish-PSResource -ErrorAction SilentlyContinue)) {
        throw 'Packaging needs Microsoft.PowerShell.PSResourceGet (built into PowerShell 7.4+; Install-Module Microsoft.PowerShell.PSResourceGet on 5.1)'
    }
    $version = (Import-PowerShellDataFile (Join-Path $moduleDir 'NetbootOci.psd1')).ModuleVersion
    $repoDir = Join-Path $PSScriptRoot 'output/packages'
    New-Item -ItemType Directory -Force $repoDir | Out-Null
    Get-ChildItem $repoDir -Filter "NetbootOci.$version*.nupkg" | Remove-Item
    $repoName = "NetbootOciBuild-$PID"
    Register-PSResourceRepository -Name $repoName -Uri $repoDir -Trusted
    try { Publish-PSResource -Path $moduleDir -Repository $repoName -SkipDependenciesCheck }
    finally { Unregister-PSResourceRepository -Name $repoName }
    $nupkg = Get-ChildItem $repoDir -Filter "NetbootOci.$version*.nupkg" | Select-Object -First 1
    if (-not $nupkg) { throw "Publish-PSResource produced no package in $repoDir" }
    Copy-Item $nupkg.FullName (Join-Path $PSScriptRoot 'output') -Force
    Get-Item (Join-Path $PSScriptRoot "output/$($nupkg.Name)")
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Build; Invoke-Xunit; Invoke-PesterSuite }
    'Pester' { Invoke-PesterSuite }
    'Package' { if ($NoBuild) { Test-ModuleLayout } else { Invoke-Build }; New-ModulePackage }
}
