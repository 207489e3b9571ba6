BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $missing = -not (Test-Cmdlet Save-NetbootArtifact)
    $noFixture = -not ((Test-Cmdlet Publish-NetbootArtifact) -and (Test-Cmdlet Get-NetbootArtifact))
}
BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'Save-NetbootArtifact' -Skip:$missing {
    Context 'metadata' -Tag 'Unit' {
        It 'supports -WhatIf and -Confirm' {
            $p = (Get-Command Save-NetbootArtifact).Parameters
            $p.Keys | Should -Contain 'WhatIf'; $p.Keys | Should -Contain 'Confirm'
            foreach ($name in 'InputObject', 'Reference', 'Destination', 'Prune', 'Verify', 'Strict') { $p.Keys | Should -Contain $name }
        }
        It 'binds Reference by property name' {
            (Get-Command Save-NetbootArtifact).Parameters.Reference.Attributes.Where({ $_ -is [Parameter] }).ValueFromPipelineByPropertyName | Should -Contain $true
        }
    }

    Context 'from an OCI image layout' -Tag 'Integration' -Skip:$noFixture {
        BeforeAll { $layout = New-TestLayout $TestDrive -Name testos -Version 1 }

        It '-WhatIf reports and writes nothing' {
            $root = Join-Path $TestDrive 'whatif'
            New-Item -ItemType Directory $root | Out-Null
            Get-NetbootArtifact $layout | Save-NetbootArtifact -Destination $root -WhatIf
            @(Get-ChildItem $root -Force -Recurse).Count | Should -Be 0
        }

        It 'deploys, then changes nothing the second time' {
            $root = Join-Path $TestDrive 'tftp'
            $first = Get-NetbootArtifact $layout | Save-NetbootArtifact -Destination $root
            $first.PSTypeNames[0] | Should -Be 'NetbootOci.SaveResult'
            $first.Changed | Should -BeTrue
            Test-Path (Join-Path $first.Path 'vmlinuz') | Should -BeTrue
            $second = Get-NetbootArtifact $layout | Save-NetbootArtifact -Destination $root
            $second.Changed | Should -BeFalse
            $second.BytesDownloaded | Should -Be 0
        }

        It 'resolves TestDrive: and relative destinations through the provider' {
            $a = Get-NetbootArtifact $layout
            ($a | Save-NetbootArtifact -Destination 'TestDrive:\drive-root').Path | Should -BeLike "$TestDrive*"
            Push-Location $TestDrive
            try { ($a | Save-NetbootArtifact -Destination 'relative-root').Path | Should -BeLike "$TestDrive*" } finally { Pop-Location }
        }

        It 'continues past a failing artifact with a non-terminating error' {
            $good = Get-NetbootArtifact $layout
            $bad = $good | Select-Object * -ExcludeProperty Reference | Select-Object *, @{ n = 'Reference'; e = { $good.Reference -replace '@sha256:[0-9a-f]+', ('@sha256:' + ('0' * 64)) } }
            $results = @($bad, $good) | Save-NetbootArtifact -Destination (Join-Path $TestDrive 'mixed') -ErrorVariable err -ErrorAction SilentlyContinue
            @($results).Count | Should -Be 1
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Match ',NetbootOci\.Commands\.SaveNetbootArtifactCommand$'
        }
    }
}
