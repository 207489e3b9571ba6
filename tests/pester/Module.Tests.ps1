# The module as shipped: manifest, exports, help, formatting, dependency isolation.
BeforeDiscovery { . "$PSScriptRoot/common.ps1" }

BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'NetbootOci module' -Tag 'Unit' {
    It 'exports exactly the cmdlets of its manifest' {
        $manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'NetbootOci.psd1')
        (Get-Command -Module NetbootOci).Name | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'is loaded from the built folder with its engine in bin/' {
        (Get-Module NetbootOci).ModuleBase | Should -Be (Resolve-Path $ModuleDir).Path
        Test-Path (Join-Path $ModuleDir 'bin/NetbootOci.Engine.dll') | Should -BeTrue
    }

    It 'loads the format views' {
        Get-FormatData -TypeName 'NetbootOci.NetbootArtifact' | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName 'NetbootOci.SaveResult' | Should -Not -BeNullOrEmpty
    }

    It 'has about_NetbootOci' {
        Get-Help about_NetbootOci | Out-String | Should -Match 'Get-NetbootArtifact'
    }

    It '<_> has help with a synopsis and an example' -ForEach @(Get-Command -Module NetbootOci | ForEach-Object Name) {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\S+ \[' # the generated-syntax fallback means no MAML was found
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
    }
}

Describe 'Dependency isolation' -Tag 'Unit' {
    BeforeAll {
        # Another module's YamlDotNet, loaded first: powershell-yaml when installed, else the 15.x package the
        # xunit isolation test downloads into the NuGet cache.
        $other = $null
        $pyaml = Get-Module -ListAvailable powershell-yaml | Select-Object -First 1
        if ($pyaml) { $other = @{ Module = $pyaml.Path } }
        else {
            $cache = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
            $dll = Get-ChildItem (Join-Path $cache 'yamldotnet') -Filter YamlDotNet.dll -Recurse -ErrorAction Ignore |
                Where-Object { $_.FullName -match '[\\/]15\.[^\\/]+[\\/]lib[\\/]netstandard2\.0[\\/]' } | Select-Object -First 1
            if ($dll) { $other = @{ Assembly = $dll.FullName } }
        }
        $pwsh = (Get-Process -Id $PID).Path
    }

    It 'imports and runs beside another YamlDotNet version loaded first' {
        if (-not $other) { Set-ItResult -Skipped -Because 'neither powershell-yaml nor YamlDotNet 15.x (NuGet cache) is available'; return }
        $load = if ($other.Module) { "Import-Module '$($other.Module)'; `$null = ConvertFrom-Yaml 'a: 1'" } else { "Add-Type -Path '$($other.Assembly)'" }
        $script = @"
`$ErrorActionPreference = 'Stop'
$load
`$before = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object { `$_.GetName().Version.Major }
Import-Module '$(Join-Path $ModuleDir 'NetbootOci.psd1')'
`$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'NetbootOci.Engine' }
# Make the engine parse YAML (an inventory with an unknown key: a clean InventoryInvalid, not a load failure),
# or, before the inventory exists, at least load it through a cmdlet.
`$id = `$null
if ((Get-Command Get-NetbootArtifact).Parameters.ContainsKey('InventoryPath')) {
    Set-Content '$(Join-Path $TestDrive 'bad.yaml')' 'notAKnownSection: 1'
    try { Get-NetbootArtifact -InventoryPath '$(Join-Path $TestDrive 'bad.yaml')' -ErrorAction Stop } catch { `$id = `$_.FullyQualifiedErrorId }
} else {
    try { Get-NetbootArtifact 'oci:$(Join-Path $TestDrive 'missing')' -ErrorAction Stop } catch { `$id = `$_.FullyQualifiedErrorId }
}
`$yaml = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object { `$_.GetName().Version.Major }
[pscustomobject]@{ Before = @(`$before); After = @(`$yaml | Sort-Object -Unique); ErrorId = `$id } | ConvertTo-Json -Compress
"@
        $json = & $pwsh -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $result = $json | Select-Object -Last 1 | ConvertFrom-Json
        $result.Before.Count | Should -Be 1
        $result.After | Should -Contain $result.Before[0]     # the other module's YamlDotNet is still the one it loaded
        $result.ErrorId | Should -Not -BeNullOrEmpty
        $result.ErrorId | Should -Not -Match 'FileLoadException|FileNotFoundException|TypeInitialization|MethodNotFound|TypeLoad'
        $result.ErrorId | Should -Match '^(InventoryInvalid|PathNotFound|LayoutInvalid|ManifestNotFound|RepositoryNotFound|InvalidReference),'
    }
}
