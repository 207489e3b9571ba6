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
    function New-SigningKeyPair([string]$Directory) {
        # A PKCS#8 P-256 signing key and its public key: openssl (as the xunit signing tests do), else .NET on PowerShell 7.
        New-Item -ItemType Directory -Force $Directory | Out-Null
        $private = Join-Path $Directory 'signing.key'; $public = Join-Path $Directory 'signing.pub'
        if (Get-Command openssl -CommandType Application -ErrorAction Ignore) {
            & openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $private 2>$null
            & openssl pkey -in $private -pubout -out $public 2>$null
        } else {
            $ecdsa = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve]::CreateFromFriendlyName('nistP256'))
            if ($ecdsa.PSObject.Methods.Name -notcontains 'ExportPkcs8PrivateKey') { return $null }
            Set-Content $private ("-----BEGIN PRIVATE KEY-----`n" + [Convert]::ToBase64String($ecdsa.ExportPkcs8PrivateKey(), 'InsertLineBreaks') + "`n-----END PRIVATE KEY-----")
            Set-Content $public ("-----BEGIN PUBLIC KEY-----`n" + [Convert]::ToBase64String($ecdsa.ExportSubjectPublicKeyInfo(), 'InsertLineBreaks') + "`n-----END PUBLIC KEY-----")
        }
        if (-not ((Test-Path $private) -and (Test-Path $public))) { return $null }
        [pscustomobject]@{ Private = $private; Public = $public }
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
            $passed = Get-NetbootArtifact $layout | Test-NetbootSignature -Key $key -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
            $passed | Should -BeNullOrEmpty
            # A refused artifact is a non-terminating error naming it (the help's promise, what -ErrorVariable in the
            # README's scheduled pipeline counts), not a warning a monitoring script would miss.
            @($err).Count | Should -Be 1
            Get-ErrorId $err[0] | Should -Be 'SignatureNotFound'
            $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
            $err[0].Exception.Message | Should -Match 'testos 1 amd64'
            $err[0].TargetObject.Name | Should -Be 'testos'
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

    Context 'artifacts this module signed, checked through their index tag' -Tag 'Integration' -Skip:$noFixture {
        BeforeAll {
            $signer = New-SigningKeyPair (Join-Path $TestDrive 'keys')
            $other = Join-Path $TestDrive 'other.pub'
            $haveOther = New-PublicKeyPem $other
            $layout = Join-Path $TestDrive 'signed'
            $published = @()
            if ($signer) {
                foreach ($arch in 'amd64', 'arm64') {
                    $files = New-BootFiles (Join-Path $TestDrive "files-$arch")
                    $published += Publish-NetbootArtifact -Path $files.FullName -Reference "oci:$layout" -Name testos -Version 1 -Architecture $arch -EntryPoint shimx64.efi -SigningKey $signer.Private
                }
            }
        }
        It 'the index tag is $true, and -Detailed verifies each platform manifest it lists' {
            if (-not $signer) { Set-ItResult -Skipped -Because 'neither openssl nor .NET key export is available to write a signing key'; return }
            $published[1].IndexTag | Should -Be 'testos-1'
            Test-NetbootSignature -Reference "oci:${layout}:testos-1" -Key $signer.Public | Should -Be $true
            $detailed = @(Test-NetbootSignature -Reference "oci:${layout}:testos-1" -Key $signer.Public -Detailed)
            $detailed.Count | Should -Be 2
            $detailed.Digest | Sort-Object | Should -Be ($published.Digest | Sort-Object)
            foreach ($r in $detailed) { $r.Verified | Should -BeTrue; $r.SignedDigest | Should -Be $r.Digest }
            Test-NetbootSignature -Reference "oci:${layout}:testos-1-arm64" -Key $signer.Public | Should -Be $true
            @(Get-NetbootArtifact "oci:$layout" | Test-NetbootSignature -Key $signer.Public -PassThru).Architecture | Should -Be @('amd64', 'arm64')
        }
        It 'another key: one $false for the index, a reason per platform' {
            if (-not ($signer -and $haveOther)) { Set-ItResult -Skipped -Because 'no key writer'; return }
            Test-NetbootSignature -Reference "oci:${layout}:testos-1" -Key $other | Should -Be $false
            $detailed = @(Test-NetbootSignature -Reference "oci:${layout}:testos-1" -Key $other -Detailed)
            $detailed.Count | Should -Be 2
            foreach ($r in $detailed) { $r.Verified | Should -BeFalse; $r.Reason | Should -Match 'does not verify' }
        }
    }
}
