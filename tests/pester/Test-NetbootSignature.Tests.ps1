BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $missing = -not (Test-Cmdlet Test-NetbootSignature)
    $noFixture = -not ((Test-Cmdlet Publish-NetbootArtifact) -and (Test-Cmdlet Get-NetbootArtifact))
}
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    function New-PublicKeyPem([string]$Path) {
        # A trusted key nobody signed with: PowerShell 7 can write one; elsewhere openssl if present.
        $ecdsa = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve]::CreateFromFriendlyName('nistP256'))
        if ($ecdsa.PSObject.Methods.Name -contains 'ExportSubjectPublicKeyInfoPem') { Set-Content $Path $ecdsa.ExportSubjectPublicKeyInfoPem(); return $true }
        if (Get-Command openssl -ErrorAction Ignore) {
            & openssl ecparam -name prime256v1 -genkey -noout -out "$Path.key" 2>$null
            & openssl ec -in "$Path.key" -pubout -out $Path 2>$null
            return (Test-Path $Path)
        }
        $false
    }
}

Describe 'Test-NetbootSignature' -Skip:$missing {
    Context 'metadata' -Tag 'Unit' {
        It 'has -Key, -PassThru and -Detailed and changes nothing' {
            $p = (Get-Command Test-NetbootSignature).Parameters
            foreach ($name in 'Key', 'PassThru', 'Detailed', 'InputObject', 'Reference') { $p.Keys | Should -Contain $name }
            $p.Keys | Should -Not -Contain 'WhatIf'
        }
    }

    Context 'unsigned artifact in an OCI layout' -Tag 'Integration' -Skip:$noFixture {
        BeforeAll {
            $layout = New-TestLayout $TestDrive
            $key = Join-Path $TestDrive 'cosign.pub'
            $haveKey = New-PublicKeyPem $key
        }
        It 'returns $false, and -PassThru passes nothing on and says why' {
            if (-not $haveKey) { Set-ItResult -Skipped -Because 'no way to write an ECDSA public key here (needs PowerShell 7 or openssl)'; return }
            Get-NetbootArtifact $layout | Test-NetbootSignature -Key $key | Should -BeFalse
            $passed = Get-NetbootArtifact $layout | Test-NetbootSignature -Key $key -PassThru -WarningVariable warn -WarningAction SilentlyContinue
            $passed | Should -BeNullOrEmpty
            $warn | Should -Not -BeNullOrEmpty
        }
        It '-Detailed says why' {
            if (-not $haveKey) { Set-ItResult -Skipped -Because 'no key writer'; return }
            $r = Get-NetbootArtifact $layout | Test-NetbootSignature -Key $key -Detailed -ErrorAction SilentlyContinue
            $r.Verified | Should -BeFalse
            $r.Reason | Should -Not -BeNullOrEmpty
        }
        It 'rejects a corrupt key file as unusable input' {
            $bad = Join-Path $TestDrive 'bad.pub'
            Set-Content $bad "-----BEGIN PUBLIC KEY-----`nnot base64`n-----END PUBLIC KEY-----"
            { Get-NetbootArtifact $layout | Test-NetbootSignature -Key $bad -ErrorAction Stop } | Should -Throw -ErrorId 'KeyInvalid,*'
        }
    }
}
