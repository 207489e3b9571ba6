BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $missing = -not (Test-Cmdlet Get-NetbootArtifact)
    $noPublish = -not (Test-Cmdlet Publish-NetbootArtifact)
    $noRegistry = -not (Test-RegistryAvailable)
}
BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'Get-NetbootArtifact' -Skip:$missing {
    Context 'metadata' -Tag 'Unit' {
        It 'has the planned parameters' {
            $p = (Get-Command Get-NetbootArtifact).Parameters
            foreach ($name in 'Reference', 'Name', 'Version', 'Architecture', 'Credential', 'PlainHttp') { $p.Keys | Should -Contain $name }
            $p.Credential.ParameterType | Should -Be ([pscredential])
        }
        It 'does not offer -WhatIf (it changes nothing)' {
            (Get-Command Get-NetbootArtifact).Parameters.Keys | Should -Not -Contain 'WhatIf'
        }
        It 'reports a malformed reference with its error id' {
            { Get-NetbootArtifact 'UPPER/Case::bad' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidReference,*'
        }
        It 'resolves paths against the current location, not the process directory' {
            Push-Location $TestDrive
            try {
                Get-NetbootArtifact 'oci:./does-not-exist' -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].Exception.Message | Should -Match ([regex]::Escape($TestDrive))
            } finally { Pop-Location }
        }
    }

    Context 'OCI image layout' -Tag 'Integration' -Skip:$noPublish {
        BeforeAll { $layout = New-TestLayout $TestDrive -Name testos -Version 1 }
        It 'lists the published artifact with its files' {
            $a = @(Get-NetbootArtifact $layout)
            $a.Count | Should -Be 1
            $a[0].PSTypeNames[0] | Should -Be 'NetbootOci.NetbootArtifact'
            $a[0].Name | Should -Be 'testos'; $a[0].Version | Should -Be '1'; $a[0].Architecture | Should -Be 'amd64'
            $a[0].Files.Name | Sort-Object | Should -Be @('grubx64.efi', 'initrd.img', 'shimx64.efi', 'vmlinuz')
            $a[0].Reference | Should -Match '@sha256:[0-9a-f]{64}$'
        }
        It 'filters with wildcards' {
            @(Get-NetbootArtifact $layout -Name 'test*').Count | Should -Be 1
            @(Get-NetbootArtifact $layout -Name 'other*').Count | Should -Be 0
        }
        It 'formats as a narrow table' {
            # An explicit width: without one Out-String takes the host's (80 when output is redirected, as here),
            # which would make the result depend on where the test runs. The views are made for 120 columns.
            $text = Get-NetbootArtifact $layout | Format-Table | Out-String -Width 120
            $text | Should -Match 'Name\s+Version\s+Architecture'
            $text | Should -Match 'testos\s+1\s+amd64\s+testos-1-amd64\s'
            $text | Should -Match 'sha256:[0-9a-f]{12}\s'
            foreach ($line in $text -split '\r?\n') { $line.TrimEnd().Length | Should -BeLessOrEqual 120 }
        }
    }

    Context 'real registry' -Tag 'Integration' -Skip:($noPublish -or $noRegistry) {
        BeforeAll {
            $registry = Start-TestRegistry $TestDrive
            $files = New-BootFiles (Join-Path $TestDrive 'files')
            Publish-NetbootArtifact -Path $files.FullName -Reference "$($registry.Host)/netboot" -Name testos -Version 2 -Architecture arm64 -PlainHttp | Out-Null
        }
        AfterAll { Stop-TestRegistry $registry }
        It 'lists what was pushed' {
            $a = @(Get-NetbootArtifact "$($registry.Host)/netboot" -PlainHttp)
            $a.Architecture | Should -Contain 'arm64'
        }
        It 'refuses plain HTTP unless asked' {
            Get-NetbootArtifact "$($registry.Host)/netboot" -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -Not -BeNullOrEmpty
        }
    }
}
