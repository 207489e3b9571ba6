BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $missing = -not (Test-Cmdlet Set-NetbootLink)
    $noFixture = -not ((Test-Cmdlet Publish-NetbootArtifact) -and (Test-Cmdlet Get-NetbootArtifact) -and (Test-Cmdlet Save-NetbootArtifact))
}
BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'Set-NetbootLink' -Skip:$missing {
    Context 'metadata' -Tag 'Unit' {
        It 'supports -WhatIf and binds Save results by property name' {
            $p = (Get-Command Set-NetbootLink).Parameters
            $p.Keys | Should -Contain 'WhatIf'
            foreach ($name in 'Path', 'Destination') {
                $p[$name].Attributes.Where({ $_ -is [Parameter] }).ValueFromPipelineByPropertyName | Should -Contain $true
            }
        }
        It 'rejects a malformed MAC address' {
            # Checked before any path: the entry here is the root itself, which would be refused next.
            { Set-NetbootLink -Destination $TestDrive -Path $TestDrive -MacAddress 'zz:zz' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidMacAddress,*'
            { Set-NetbootLink -Destination $TestDrive -Path $TestDrive -MacAddress '52:54:00:12:34:56' -ErrorAction Stop } | Should -Throw -ErrorId 'PathEscapesRoot,*'
        }
    }

    Context 'after a save' -Tag 'Integration' -Skip:$noFixture {
        BeforeAll {
            $layout = New-TestLayout $TestDrive -Name testos -Version 1
            $root = Join-Path $TestDrive 'tftp'
            $saved = Get-NetbootArtifact $layout | Save-NetbootArtifact -Destination $root
        }
        It '-WhatIf creates nothing' {
            $saved | Set-NetbootLink -Name 'boot/{os}-{version}-{arch}-{file}' -WhatIf
            Test-Path (Join-Path $root 'boot') | Should -BeFalse
        }
        It 'creates aliases, then leaves them alone' {
            # One alias per name in the entry: the four files and Save's entry-point links boot (-EntryPoint
            # shimx64.efi) and boot-alt (grubx64.efi), so DHCP can name boot/testos-1-amd64-boot whatever the loader is.
            $first = @($saved | Set-NetbootLink -Name 'boot/{os}-{version}-{arch}-{file}')
            $first.Name | Sort-Object | Should -Be (@('boot', 'boot-alt', 'grubx64.efi', 'initrd.img', 'shimx64.efi', 'vmlinuz') | ForEach-Object { "boot/testos-1-amd64-$_" })
            $first[0].PSTypeNames[0] | Should -Be 'NetbootOci.LinkResult'
            ($first | Where-Object Changed).Count | Should -Be 6
            [IO.File]::ReadAllBytes((Join-Path $root 'boot/testos-1-amd64-vmlinuz')).Length | Should -Be 2MB
            [IO.File]::ReadAllBytes((Join-Path $root 'boot/testos-1-amd64-boot')).Length | Should -Be 900KB
            $again = @($saved | Set-NetbootLink -Name 'boot/{os}-{version}-{arch}-{file}')
            ($again | Where-Object Changed).Count | Should -Be 0
        }
        It 'refuses a template that escapes the root' {
            $saved | Set-NetbootLink -Name '../outside/{file}' -ErrorVariable err -ErrorAction SilentlyContinue
            Get-ErrorId $err[0] | Should -Be 'PathEscapesRoot'
            Test-Path (Join-Path $TestDrive 'outside') | Should -BeFalse
        }
    }
}
