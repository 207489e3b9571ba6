# The module as shipped and as admins load it: manifest, exports, help, formatting, type names, and import in
# fresh sessions (by path, by name, from a path with spaces, again after Remove-Module, beside other YamlDotNet
# versions loaded before or after ours).
BeforeDiscovery { . "$PSScriptRoot/common.ps1" }

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $toolsDir = [IO.Path]::Combine($PSScriptRoot, '..', '..', 'output', 'tools')

    # Runs $Script in a fresh PowerShell of the same edition (a new session: nothing of this one is loaded) and
    # returns the object its last line writes as JSON. The script's errors fail the test with their text.
    function Invoke-FreshSession([string]$Script, [string]$ModulePath) {
        $file = Join-Path $TestDrive ("session-{0}.ps1" -f [guid]::NewGuid().ToString('n'))
        Set-Content -Path $file -Value ("`$ErrorActionPreference = 'Stop'`n" + $Script) -Encoding UTF8
        $saved = $env:PSModulePath
        try {
            if ($ModulePath) { $env:PSModulePath = $ModulePath + [IO.Path]::PathSeparator + $saved }
            $out = & $PowerShellExe @PowerShellArgs -NoProfile -NonInteractive -File $file 2>&1
            $code = $LASTEXITCODE
        }
        finally { $env:PSModulePath = $saved }
        $text = ($out | Out-String)
        if ($code -ne 0) { throw "fresh session exited $code`n$text" }
        ($out | Where-Object { $_ -is [string] -and $_.StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json
    }

    # An OCI layout with one artifact and an inventory over it: Get-NetbootArtifact -InventoryPath makes the
    # engine parse YAML (YamlDotNet) and read the layout (System.Text.Json), the dependencies isolation protects.
    $layoutDir = Join-Path $TestDrive 'site'
    New-Item -ItemType Directory -Force $layoutDir | Out-Null
    $layout = New-TestLayout $layoutDir -Name testos -Version 1
    $inventory = Join-Path $layoutDir 'site.yaml'
    @"
schemaVersion: 1
registries:
  - name: local
    url: $layout
    signaturePolicy: ignore
operatingSystems:
  - name: testos
    version: "1"
    architectures: [amd64]
    registry: local
proxies:
  - name: local
    root: $(Join-Path $layoutDir 'tftproot')
    operatingSystems: [testos-1]
"@ | Set-Content -Path $inventory
    # What a session prints after using the module: the artifact found through the inventory, and where the
    # engine and the YamlDotNet copies live.
    $report = @"
`$found = @(Get-NetbootArtifact -InventoryPath '$inventory')
`$asm = [AppDomain]::CurrentDomain.GetAssemblies()
`$engine = `$asm | Where-Object { `$_.GetName().Name -eq 'NetbootOci.Engine' }
`$context = if ('System.Runtime.Loader.AssemblyLoadContext' -as [type]) { [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$engine).Name } else { 'AppDomain' }
[pscustomobject]@{
    Found = `$found.Count; Name = `$found[0].Name; IsArtifact = (`$found[0] -is [NetbootOci.NetbootArtifact])
    EngineContext = `$context; EngineLocation = `$engine.Location
    Yaml = @(`$asm | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object { `$_.GetName().Version.Major } | Sort-Object)
    ModuleBase = (Get-Module NetbootOci).ModuleBase
} | ConvertTo-Json -Compress
"@
}

Describe 'NetbootOci module' -Tag 'Unit' {
    It 'exports exactly the cmdlets of its manifest' {
        $manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'NetbootOci.psd1')
        (Get-Command -Module NetbootOci).Name | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'passes Test-ModuleManifest' {
        $info = Test-ModuleManifest (Join-Path $ModuleDir 'NetbootOci.psd1')
        $info.ExportedCmdlets.Count | Should -Be 5
    }

    It 'is loaded from the built folder with its engine in bin/ and the contracts beside the cmdlets' {
        (Get-Module NetbootOci).ModuleBase | Should -Be (Resolve-Path $ModuleDir).Path
        Test-Path (Join-Path $ModuleDir 'bin/NetbootOci.Engine.dll') | Should -BeTrue
        Test-Path (Join-Path $ModuleDir 'NetbootOci.Contracts.dll') | Should -BeTrue
        Test-Path (Join-Path $ModuleDir 'bin/NetbootOci.Contracts.dll') | Should -BeFalse
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

Describe 'Types admins name in scripts' -Tag 'Unit' {
    It '[NetbootOci.<_>] resolves' -ForEach @('NetbootArtifact', 'NetbootFile', 'SaveResult', 'LinkResult', 'LinkType', 'PublishResult', 'SignatureResult', 'SignatureFormat', 'NetbootException', 'ErrorIds', 'InventoryException') {
        ("NetbootOci.$_" -as [type]) | Should -Not -BeNullOrEmpty
    }

    It 'the [OutputType] of <Cmdlet> resolves to [<Type>]' -ForEach @(
        @{ Cmdlet = 'Get-NetbootArtifact'; Type = 'NetbootOci.NetbootArtifact' }
        @{ Cmdlet = 'Save-NetbootArtifact'; Type = 'NetbootOci.SaveResult' }
        @{ Cmdlet = 'Set-NetbootLink'; Type = 'NetbootOci.LinkResult' }
        @{ Cmdlet = 'Publish-NetbootArtifact'; Type = 'NetbootOci.PublishResult' }
        @{ Cmdlet = 'Test-NetbootSignature'; Type = 'NetbootOci.SignatureResult' }
    ) {
        $declared = (Get-Command $Cmdlet).OutputType | ForEach-Object Type
        $declared | Should -Contain ($Type -as [type])
    }

    It 'every [NetbootOci.*] type that README.md and about_NetbootOci name resolves, and CategoryOf answers as the README table' {
        $texts = (Get-Content -Raw ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'README.md'))) + (Get-Help about_NetbootOci | Out-String)
        $named = @([regex]::Matches($texts, '\[NetbootOci\.(\w+)\]') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
        $named.Count | Should -BeGreaterThan 5
        foreach ($t in $named) { ("NetbootOci.$t" -as [type]) | Should -Not -BeNullOrEmpty -Because "[NetbootOci.$t] is documented" }
        [NetbootOci.ErrorIds]::CategoryOf('LinkConflict') | Should -Be 'ResourceExists'
        [NetbootOci.ErrorIds]::DigestMismatch | Should -Be 'DigestMismatch'
    }

    It 'a result is of the type scripts name, and its default view applies' {
        $a = Get-NetbootArtifact $layout | Select-Object -First 1
        $a -is [NetbootOci.NetbootArtifact] | Should -BeTrue
        $a.Files[0] -is [NetbootOci.NetbootFile] | Should -BeTrue
        # The table view's headings, not the property-list fallback of an unformatted type.
        $table = $a | Out-String -Width 120
        $table | Should -Match 'Name\s+Version\s+Architecture'
        $table | Should -Not -Match 'AltEntryPoint'
    }

    It 'an error carries a NetbootException with its id from [NetbootOci.ErrorIds]' {
        $e = $null
        try { Get-NetbootArtifact ('oci:' + (Join-Path $TestDrive 'no-such-layout')) -ErrorAction Stop } catch { $e = $_ }
        $e.Exception -is [NetbootOci.NetbootException] | Should -BeTrue
        $e.Exception.ErrorId | Should -BeIn ([NetbootOci.ErrorIds].GetFields() | ForEach-Object { $_.GetValue($null) })
        (Get-ErrorId $e) | Should -Be $e.Exception.ErrorId
    }
}

Describe 'Import in a fresh session' -Tag 'Unit' {
    BeforeAll { $onCore = $PSVersionTable.PSEdition -eq 'Core' }

    It 'by the path of its manifest, and its engine stays out of the default load context' {
        $r = Invoke-FreshSession ("Import-Module '$(Join-Path $ModuleDir 'NetbootOci.psd1')'`n" + $report)
        $r.Found | Should -Be 1
        $r.Name | Should -Be 'testos'
        $r.IsArtifact | Should -BeTrue
        $r.EngineLocation | Should -Be (Join-Path (Resolve-Path $ModuleDir).Path (Join-Path 'bin' 'NetbootOci.Engine.dll'))
        if ($onCore) { $r.EngineContext | Should -Be 'NetbootOci' }
    }

    It 'by the path of its folder' {
        $r = Invoke-FreshSession ("Import-Module '$ModuleDir'`n" + $report)
        $r.Found | Should -Be 1
    }

    It 'by name from a PSModulePath folder whose path has spaces' {
        $modules = Join-Path $TestDrive 'Program Files with spaces/Modules'
        New-Item -ItemType Directory -Force $modules | Out-Null
        Copy-Item -Recurse $ModuleDir (Join-Path $modules 'NetbootOci')
        $r = Invoke-FreshSession ("Import-Module NetbootOci`n" + $report) -ModulePath $modules
        $r.Found | Should -Be 1
        $r.ModuleBase | Should -Be (Join-Path $modules 'NetbootOci')
        $r.EngineLocation | Should -Be (Join-Path $modules (Join-Path 'NetbootOci' (Join-Path 'bin' 'NetbootOci.Engine.dll')))
    }

    It 'again after Remove-Module in the same session, with the same types' {
        $r = Invoke-FreshSession (@"
Import-Module '$ModuleDir'
`$first = Get-NetbootArtifact '$layout' | Select-Object -First 1
Remove-Module NetbootOci
Import-Module '$ModuleDir'
`$second = Get-NetbootArtifact '$layout' | Select-Object -First 1
[pscustomobject]@{ Same = (`$first.GetType() -eq `$second.GetType()); Digest = (`$first.Digest -eq `$second.Digest); Commands = @(Get-Command -Module NetbootOci).Count } | ConvertTo-Json -Compress
"@)
        $r.Same | Should -BeTrue
        $r.Digest | Should -BeTrue
        $r.Commands | Should -Be 5
    }
}

Describe 'Beside another YamlDotNet' -Tag 'Unit' {
    # Other modules (powershell-yaml, platyPS, Az.Aks) ship their own YamlDotNet. The build restores an older
    # and a newer one than ours from NuGet (tests/TestTools) into output/tools.
    BeforeAll {
        # The other module's use of its YamlDotNet: parse with its API and report the version that did it.
        $useOther = @'
$other = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' -and $_.Location -like '*tools*' }
$deserializer = $other.GetType('YamlDotNet.Serialization.Deserializer', $true)::new()
$parsed = $deserializer.Deserialize([string]'os: debian', [object])
$theirs = '{0} {1}' -f $parsed['os'], $other.GetName().Version.Major
'@
    }

    It 'YamlDotNet <Version> loaded <Order> ours: both work' -ForEach @(
        @{ Version = '13.7.1'; Order = 'before' }
        @{ Version = '18.1.0'; Order = 'before' }
        @{ Version = '13.7.1'; Order = 'after' }
        @{ Version = '18.1.0'; Order = 'after' }
    ) {
        $dll = Join-Path $toolsDir "YamlDotNet-$Version/YamlDotNet.dll"
        Test-Path $dll | Should -BeTrue -Because 'dotnet build restores it (tests/TestTools)'
        $major = [int]$Version.Split('.')[0]
        $import = "Import-Module '$ModuleDir'`n`$null = Get-NetbootArtifact -InventoryPath '$inventory'`n"
        $loadOther = "Add-Type -Path '$dll'`n"
        $first, $second = if ($Order -eq 'before') { $loadOther, $import } else { $import, $loadOther }
        $r = Invoke-FreshSession ($first + $second + $useOther + "`n" + $report.Replace('[pscustomobject]@{', '[pscustomobject]@{ Theirs = $theirs;'))
        $r.Theirs | Should -Be "debian $major"
        $r.Found | Should -Be 1
        $r.Name | Should -Be 'testos'
        # Two copies side by side on PowerShell 7: theirs in the default context, ours (16.x) in the module's.
        if ($PSVersionTable.PSEdition -eq 'Core') {
            $r.Yaml | Should -Contain $major
            $r.Yaml | Should -Contain 16
        }
    }
}
