<#
.SYNOPSIS
    Builds, tests and packages the NetbootOci module.
.PARAMETER Task
    Build   : dotnet build; lays out output/NetbootOci (psd1, cmdlet dll, engine and dependencies in bin/).
    Test    : Build, then the xunit suites and the Pester suite.
    Pester  : only the Pester suite (tests/pester) against output/NetbootOci.
    Package : Build, then a .nupkg of the module in output/ (Publish-PSResource can push it to the Gallery).
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package')]
    [string]$Task = 'Test',
    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$moduleDir = Join-Path $PSScriptRoot 'output/NetbootOci'

function Invoke-Build {
    dotnet build NetbootOci.sln -c $Configuration -nologo
    if ($LASTEXITCODE) { throw "dotnet build failed ($LASTEXITCODE)" }
}

function Invoke-Pester5 {
    if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0')) {
        Write-Warning 'Pester 5 is not installed: Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser'
        return
    }
    Import-Module Pester -MinimumVersion 5.0
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $PSScriptRoot 'tests/pester'
    $config.Run.Exit = $true
    $config.Output.Verbosity = 'Detailed'
    $env:NETBOOTOCI_MODULE = $moduleDir
    # A fresh process so the module under test is not locked into this session.
    Invoke-Pester -Configuration $config
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' {
        Invoke-Build
        dotnet test NetbootOci.sln -c $Configuration --no-build -nologo
        if ($LASTEXITCODE) { throw "xunit failed ($LASTEXITCODE)" }
        Invoke-Pester5
    }
    'Pester' { Invoke-Pester5 }
    'Package' {
        Invoke-Build
        $repo = Join-Path $PSScriptRoot 'output/repo'
        New-Item -ItemType Directory -Force $repo | Out-Null
        Register-PSResourceRepository -Name NetbootOciLocal -Uri $repo -Trusted -ErrorAction SilentlyContinue
        Publish-PSResource -Path $moduleDir -Repository NetbootOciLocal
        Get-ChildItem $repo -Filter *.nupkg
    }
}
