# The module as users install it: build.ps1 -Task Package makes output/NetbootOci.<version>.nupkg; installed from
# a local folder repository with PSResourceGet into an empty module folder, a fresh PowerShell imports it by
# name and uses it. The README's "Installation" block (Install-PSResource / Install-Module from the PowerShell
# Gallery) runs here as well, with a local folder repository standing in for the Gallery, which no test can
# reach; Docs.Tests.ps1 lists that block as run here.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $onWindows = [Environment]::OSVersion.Platform -eq 'Win32NT'
    $HavePSResourceGet = [bool](Get-Command Publish-PSResource -ErrorAction Ignore)
    $psVersion = [version]('{0}.{1}' -f $PSVersionTable.PSVersion.Major, $PSVersionTable.PSVersion.Minor)
    if (-not $HavePSResourceGet -and $psVersion -ge [version]'7.4') { throw 'PowerShell 7.4+ ships PSResourceGet, but Publish-PSResource is missing' }
    $HavePowerShellGet2 = [bool](Get-Module -ListAvailable PowerShellGet | Where-Object { $_.Version.Major -eq 2 })

    # The README's Installation block: one case per install line (they are alternatives), each with the lines
    # that follow the installation.
    $readme = [IO.File]::ReadAllLines([IO.Path]::Combine($PSScriptRoot, '..', '..', 'README.md'))
    $start = [Array]::IndexOf($readme, '## Installation')
    $open = -1; $close = -1
    for ($i = $start + 1; $i -lt $readme.Count -and $close -lt 0; $i++) {
        if ($readme[$i] -match '^## ') { break }
        if ($open -lt 0 -and $readme[$i] -eq '```powershell') { $open = $i }
        elseif ($open -ge 0 -and $readme[$i].StartsWith('```')) { $close = $i }
    }
    $InstallCases = New-Object Collections.Generic.List[hashtable]
    if ($start -ge 0 -and $close -gt $open) {
        $lines = $readme[($open + 1)..($close - 1)]
        $installs = @($lines | Where-Object { $_ -match '^\s*Install-(PSResource|Module)\b' })
        $rest = @($lines | Where-Object { $_ -notmatch '^\s*Install-(PSResource|Module)\b' })
        foreach ($line in $installs) {
            $tool = if ($line -match '^\s*Install-PSResource') { 'PSResourceGet' } else { 'PowerShellGet2' }
            $InstallCases.Add(@{ Line = $line.Trim(); Tool = $tool; Block = (@($line) + $rest) -join "`n"
                Skip = ($onWindows -or ($tool -eq 'PowerShellGet2' -and -not $HavePowerShellGet2)) })
        }
    }
    $ReadmeFound = @{ Count = $InstallCases.Count }
}

Describe 'The module package (build.ps1 -Task Package) installs as users install it' -Skip:(-not $HavePSResourceGet) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'common.ps1')
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
        $moduleUnderTest = (Resolve-Path $ModuleDir).ProviderPath
        $version = (Import-PowerShellDataFile (Join-Path $moduleUnderTest 'NetbootOci.psd1')).ModuleVersion

        # The build already laid out the module under test: package that, without building again.
        $built = Invoke-NetbootChildPwsh -File (Join-Path $repoRoot 'build.ps1') -Arguments '-Task', 'Package', '-NoBuild' -WorkingDirectory $repoRoot -Environment @{ NO_COLOR = '1' } -TimeoutSeconds 300
        $nupkg = Join-Path $repoRoot "output/NetbootOci.$version.nupkg"

        $entries = @()
        $nuspec = $null
        if (Test-Path $nupkg) {
            $zip = [IO.Compression.ZipFile]::OpenRead($nupkg)
            try {
                $entries = @($zip.Entries | ForEach-Object { [Uri]::UnescapeDataString($_.FullName) })
                $spec = $zip.Entries | Where-Object { $_.FullName -eq 'NetbootOci.nuspec' }
                $reader = New-Object IO.StreamReader ($spec.Open())
                try { $nuspec = [xml]$reader.ReadToEnd() } finally { $reader.Dispose() }
                $packagedDll = Join-Path $TestDrive 'packaged-NetbootOci.dll'
                $dllEntry = $zip.Entries | Where-Object { $_.FullName -eq 'NetbootOci.dll' }
                [IO.Compression.ZipFileExtensions]::ExtractToFile($dllEntry, $packagedDll)
            }
            finally { $zip.Dispose() }
        }

        # A local folder repository holding only this package.
        $feed = Join-Path $TestDrive 'feed'
        New-Item -ItemType Directory -Force $feed | Out-Null
        if (Test-Path $nupkg) { Copy-Item $nupkg $feed }
        $repositoryName = 'NetbootOciPackageTest-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        Register-PSResourceRepository -Name $repositoryName -Uri $feed -Trusted
        $registered = $true

        # Laid out into an empty module folder with Save-PSResource -Path (Install-PSResource has no -Path; its
        # -Scope CurrentUser install runs below with a temporary HOME, where the platform allows it).
        $modules = Join-Path $TestDrive 'modules'
        New-Item -ItemType Directory -Force $modules | Out-Null
        $saveErrors = @()
        Save-PSResource -Name NetbootOci -Repository $repositoryName -Path $modules -ErrorVariable saveErrors -ErrorAction SilentlyContinue
        $savedManifest = Join-Path $modules "NetbootOci/$version/NetbootOci.psd1"
        $emptyHome = Join-Path $TestDrive 'home'
        New-Item -ItemType Directory -Force $emptyHome | Out-Null
        # A fresh PowerShell sees only that folder (and PowerShell's own modules): an empty HOME and no XDG paths.
        $isolated = @{ PSModulePath = $modules; HOME = $emptyHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; NO_COLOR = '1'; NETBOOTOCI_MODULE = $null }
        $layout = New-TestLayout (Join-Path $TestDrive 'layout-root') -Name installed -Version 1
        $cmdlets = @('Get-NetbootArtifact', 'Publish-NetbootArtifact', 'Save-NetbootArtifact', 'Set-NetbootLink', 'Test-NetbootSignature')
    }

    AfterAll {
        if ($registered) { Unregister-PSResourceRepository -Name $repositoryName }
    }

    It 'build.ps1 -Task Package -NoBuild writes output/NetbootOci.<version>.nupkg' {
        $built.ExitCode | Should -Be 0 -Because "build.ps1 said:`n$($built.StdOut)`n$($built.StdErr)"
        $nupkg | Should -Exist
    }

    It 'the package holds the module files (psd1, NetbootOci.dll, NetbootOci.Contracts.dll, bin/NetbootOci.Engine.dll, format file, en-US help)' {
        foreach ($f in 'NetbootOci.psd1', 'NetbootOci.dll', 'NetbootOci.Contracts.dll', 'bin/NetbootOci.Engine.dll', 'bin/YamlDotNet.dll', 'NetbootOci.Format.ps1xml', 'en-US/NetbootOci.dll-Help.xml', 'en-US/about_NetbootOci.help.txt') {
            $entries | Should -Contain $f
        }
    }

    It 'the package holds the module under test and nothing else: no tests, tools, help sources or symbols' {
        $nugetMetadata = '^(_rels/|package/|\[Content_Types\]\.xml$|NetbootOci\.nuspec$)'
        $content = @($entries | Where-Object { $_ -notmatch $nugetMetadata } | Sort-Object)
        $moduleFiles = @(Get-ChildItem $moduleUnderTest -Recurse -File | ForEach-Object { $_.FullName.Substring($moduleUnderTest.Length + 1).Replace('\', '/') } | Sort-Object)
        $content | Should -Be $moduleFiles
        @($entries | Where-Object { $_ -match '(^|/)(tests?|tools|docs)/|\.Tests\.ps1$|Pester|xunit|TestTools|HelpGen|\.pdb$' }) | Should -BeNullOrEmpty
        (Get-FileHash $packagedDll).Hash | Should -Be (Get-FileHash (Join-Path $moduleUnderTest 'NetbootOci.dll')).Hash
    }

    It 'its nuspec names NetbootOci at the manifest version' {
        $nuspec.package.metadata.id | Should -Be 'NetbootOci'
        $nuspec.package.metadata.version | Should -Be $version
    }

    It 'Find-PSResource -Repository (the local folder repository, registered -Trusted) offers NetbootOci at the manifest version' {
        $found = @(Find-PSResource -Name NetbootOci -Repository $repositoryName)
        $found.Count | Should -Be 1
        "$($found[0].Version)" | Should -Be $version
    }

    It 'Save-PSResource NetbootOci -Repository (the local one) -Path (an empty folder) lays out NetbootOci/VERSION there' {
        $saveErrors | Should -BeNullOrEmpty
        $savedManifest | Should -Exist
        (Get-ChildItem $modules -Directory).Name | Should -Be 'NetbootOci'
    }

    It 'Test-ModuleManifest passes on that NetbootOci.psd1 and its version is the package version' {
        $manifest = Test-ModuleManifest $savedManifest -ErrorAction Stop
        "$($manifest.Version)" | Should -Be $nuspec.package.metadata.version
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be $cmdlets
    }

    It 'a fresh PowerShell with only that folder on PSModulePath imports NetbootOci by name and reads an OCI layout with it' {
        $script = Join-Path $TestDrive 'import-by-name.ps1'
        $result = Join-Path $TestDrive 'import-by-name.json'
        Set-Content $script @'
param([string]$Layout, [string]$ResultPath)
$ErrorActionPreference = 'Stop'
Import-Module NetbootOci
$m = Get-Module NetbootOci
$artifacts = @(Get-NetbootArtifact $Layout)
[pscustomobject]@{
    ModuleBase = $m.ModuleBase
    Version = "$($m.Version)"
    Artifacts = @($artifacts | ForEach-Object { '{0}-{1}-{2} {3}' -f $_.Name, $_.Version, $_.Architecture, $_.Format })
} | ConvertTo-Json | Set-Content $ResultPath
'@
        $run = Invoke-NetbootChildPwsh -File $script -Arguments '-Layout', $layout, '-ResultPath', $result -Environment $isolated
        $run.ExitCode | Should -Be 0 -Because "the child said:`n$($run.StdOut)`n$($run.StdErr)"
        $r = Get-Content -Raw $result | ConvertFrom-Json
        $r.ModuleBase | Should -Be (Split-Path $savedManifest)
        $r.Version | Should -Be $version
        @($r.Artifacts) | Should -Be @('installed-1-amd64 Spec')
    }

    It 'README.md Installation block ("<Line>"), a local folder repository standing in for the PowerShell Gallery: installs into the empty user module folder of a temporary HOME, imports by name, reads an OCI layout' -ForEach $InstallCases {
        if ($Skip) {
            Set-ItResult -Skipped -Because $(if ($Tool -eq 'PowerShellGet2') { 'PowerShellGet 2 is not installed here' } else { '-Scope CurrentUser installs into the Documents folder on Windows, which a test cannot point at a temporary folder' })
            return
        }
        $userHome = Join-Path $TestDrive "home-$Tool"
        New-Item -ItemType Directory -Force $userHome | Out-Null
        $blockPath = Join-Path $TestDrive "install-$Tool.ps1"
        Set-Content $blockPath $Block
        $runner = Join-Path $TestDrive "run-install-$Tool.ps1"
        $result = Join-Path $TestDrive "install-$Tool.json"
        # The Gallery's stand-in is registered in this user's (temporary) configuration, ahead of PSGallery.
        Set-Content $runner @'
param([string]$Feed, [string]$Tool, [string]$BlockPath, [string]$ResultPath, [string]$Layout)
if ($Tool -eq 'PSResourceGet') { Register-PSResourceRepository -Name LocalGallery -Uri $Feed -Trusted -Priority 10 -ErrorAction Stop }
else { Register-PSRepository -Name LocalGallery -SourceLocation $Feed -InstallationPolicy Trusted -ErrorAction Stop }
$records = @(. $BlockPath *>&1)
[pscustomobject]@{
    Errors = @($records | Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
    Warnings = @($records | Where-Object { $_ -is [Management.Automation.WarningRecord] } | ForEach-Object { $_.Message })
    Commands = @($records | Where-Object { $_ -is [Management.Automation.CommandInfo] } | ForEach-Object { $_.Name })
    Output = ($records | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] -and $_ -isnot [Management.Automation.InformationalRecord] } | Out-String -Width 160)
    ModuleBase = @(Get-Module NetbootOci | ForEach-Object ModuleBase)
    # After the block: the module it imported by name reads an OCI layout.
    Artifacts = @(Get-NetbootArtifact $Layout | ForEach-Object { '{0}-{1}-{2}' -f $_.Name, $_.Version, $_.Architecture })
} | ConvertTo-Json -Depth 3 | Set-Content $ResultPath
'@
        $userEnv = @{ HOME = $userHome; PSModulePath = $null; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; NO_COLOR = '1'; NETBOOTOCI_MODULE = $null }
        $run = Invoke-NetbootChildPwsh -File $runner -Arguments '-Feed', $feed, '-Tool', $Tool, '-BlockPath', $blockPath, '-ResultPath', $result, '-Layout', $layout -Environment $userEnv -TimeoutSeconds 300
        $because = "block:`n$Block`n--- stdout:`n$($run.StdOut)`n--- stderr:`n$($run.StdErr)"
        $run.ExitCode | Should -Be 0 -Because $because
        $r = Get-Content -Raw $result | ConvertFrom-Json
        @($r.Errors) | Should -BeNullOrEmpty -Because $because
        @($r.Warnings) | Should -BeNullOrEmpty -Because $because
        $installed = [IO.Path]::Combine($userHome, '.local', 'share', 'powershell', 'Modules', 'NetbootOci', $version)
        @($r.ModuleBase) | Should -Be @($installed)
        @($r.Commands | Sort-Object) | Should -Be $cmdlets
        $r.Output | Should -Match 'about_NetbootOci'
        @($r.Artifacts) | Should -Be @('installed-1-amd64')
        "$((Test-ModuleManifest (Join-Path $installed 'NetbootOci.psd1') -ErrorAction Stop).Version)" | Should -Be $version
    }
}

Describe 'The README documents the installation' {
    It 'README.md has a PowerShell Installation block with install lines' -ForEach $ReadmeFound {
        $Count | Should -BeGreaterThan 0
    }
}
