BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $missing = -not (Test-Cmdlet Publish-NetbootArtifact)
    $noRegistry = -not (Test-RegistryAvailable)
}
BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'Publish-NetbootArtifact' -Skip:$missing {
    Context 'metadata' -Tag 'Unit' {
        It 'supports -WhatIf and takes Get-ChildItem output' {
            $p = (Get-Command Publish-NetbootArtifact).Parameters
            $p.Keys | Should -Contain 'WhatIf'
            $p.Path.Aliases | Should -Contain 'FullName'
            $p.Credential.ParameterType | Should -Be ([pscredential])
        }
    }

    Context 'OCI image layout' -Tag 'Integration' {
        BeforeAll { $files = New-BootFiles (Join-Path $TestDrive 'files') }

        It '-WhatIf uploads nothing' {
            $layout = Join-Path $TestDrive 'whatif-layout'
            Publish-NetbootArtifact -Path $files.FullName -Reference "oci:$layout" -Name testos -Version 1 -Architecture amd64 -WhatIf
            Test-Path (Join-Path $layout 'blobs') | Should -BeFalse
        }

        It 'publishes reproducibly and says when nothing changed' {
            $layout = Join-Path $TestDrive 'layout'
            $first = Get-ChildItem $files -File | Publish-NetbootArtifact -Reference "oci:$layout" -Name testos -Version 1 -Architecture amd64 -EntryPoint shimx64.efi
            $first.PSTypeNames[0] | Should -Be 'NetbootOci.PublishResult'
            $first.Changed | Should -BeTrue
            $first.Tag | Should -Be 'testos-1-amd64'
            $again = Publish-NetbootArtifact -Path $files.FullName -Reference "oci:$layout" -Name testos -Version 1 -Architecture amd64 -EntryPoint shimx64.efi
            $again.Changed | Should -BeFalse
            $again.Digest | Should -Be $first.Digest
        }

        It 'refuses an entry point that is not among the files' {
            { Publish-NetbootArtifact -Path $files.FullName -Reference "oci:$(Join-Path $TestDrive 'x')" -Name testos -Version 1 -Architecture amd64 -EntryPoint nope.efi -ErrorAction Stop } |
                Should -Throw -ErrorId 'EntryPointNotFound,*'
        }
    }

    Context 'real registry' -Tag 'Integration' -Skip:$noRegistry {
        BeforeAll { $registry = Start-TestRegistry $TestDrive; $files = New-BootFiles (Join-Path $TestDrive 'rfiles') }
        AfterAll { Stop-TestRegistry $registry }
        It 'pushes to a registry over plain HTTP when asked' {
            $r = Publish-NetbootArtifact -Path $files.FullName -Reference "$($registry.Host)/netboot" -Name testos -Version 1 -Architecture amd64 -PlainHttp
            $r.Changed | Should -BeTrue
            $r.BytesUploaded | Should -BeGreaterThan 0
        }
    }
}
