# The inventory pipeline exactly as README.md "Sync" shows it, against a real docker-registry that needs
# htpasswd credentials (named in the inventory, read from $env:), with cosign-signed artifacts and
# signaturePolicy: required. What the pipeline deploys must be what `netboot-oci sync` deploys.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    # Linux peers (docker-registry, htpasswd) and symbolic-link trees. In CI a missing peer is a failure
    # (Test-RegistryAvailable throws), elsewhere a visible skip with this reason.
    $skipReason = $null
    if ($IsWindows) { $skipReason = 'needs the Linux peers docker-registry and htpasswd (the Windows workflow has neither)' }
    elseif (-not (Test-RegistryAvailable)) { $skipReason = 'docker-registry is not installed (outside CI)' }
    elseif (-not (Get-Command htpasswd -CommandType Application -ErrorAction Ignore)) {
        if ($env:CI -eq 'true') { throw 'htpasswd (apache2-utils) is not installed, but CI must run the pipeline tests' }
        $skipReason = 'htpasswd (apache2-utils) is not installed (outside CI)'
    }
    $script:UserEnv = 'NBOCI_PIPELINE_USER'
    $script:PasswordEnv = 'NBOCI_PIPELINE_PASSWORD'
    $script:User = 'netboot'
    # Distinctive, so any leak into a stream or an object is found by a plain text search.
    $script:Password = 'Pw-' + [guid]::NewGuid().ToString('N')

    # The pipeline exactly as README.md shows it: the powershell block after "syncs with no extra parameters".
    function Get-ReadmePipeline { Get-ReadmeBlock 'a whole site syncs with no extra parameters:' }

    # Every path under a root: D(irectory), F(ile) with its SHA-256, L(ink) with its stored target text. The
    # ownership record (.netboot-oci/links.json) holds no timestamps, so it is compared byte for byte too.
    function Get-TreeSnapshot([string]$Root) {
        Get-ChildItem -LiteralPath $Root -Recurse -Force | ForEach-Object {
            $rel = [IO.Path]::GetRelativePath($Root, $_.FullName).Replace('\', '/')
            if ($_.LinkType -eq 'SymbolicLink') { "L $rel -> $($_.LinkTarget)" }
            elseif ($_.PSIsContainer) { "D $rel" }
            else { "F $rel $((Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash)" }
        } | Sort-Object
    }

    function Find-Cli {
        $dll = Get-ChildItem ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'src', 'NetbootOci.Cli', 'bin', 'Release')) -Recurse -Filter 'netboot-oci.dll' -ErrorAction Ignore |
            Sort-Object LastWriteTime -Descending | Select-Object -First 1
        if (-not $dll) { throw 'netboot-oci is not built: dotnet build src/NetbootOci.Cli -c Release' }
        $dll.FullName
    }

    # netboot-oci sync as its own process (as tests/NetbootOci.Engine.Tests/Support/CliProcess.cs runs it):
    # credentials from the same $env: variables, no Docker config of the machine.
    function Invoke-Sync([string]$Inventory) {
        $cli = Find-Cli
        $env:DOCKER_CONFIG = Join-Path $TestDrive 'no-docker-config'
        try { $out = & dotnet $cli sync --inventory $Inventory 2>&1 }
        finally { Remove-Item env:DOCKER_CONFIG }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | Out-String) }
    }

    # Runs the README pipeline in $Directory (where site.yaml is), collecting every stream.
    function Invoke-ReadmePipeline([string]$Directory, [switch]$Verbose) {
        $pipeline = [scriptblock]::Create((Get-ReadmePipeline))
        Push-Location $Directory
        try {
            $all = & {
                $ErrorActionPreference = 'Continue'
                if ($Verbose) { $VerbosePreference = 'Continue' }
                & $pipeline
            } *>&1
        }
        finally { Pop-Location }
        [pscustomobject]@{
            Output   = @($all | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] -and $_ -isnot [Management.Automation.WarningRecord] -and $_ -isnot [Management.Automation.VerboseRecord] -and $_ -isnot [Management.Automation.InformationRecord] -and $_ -isnot [Management.Automation.DebugRecord] })
            Errors   = @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
            Warnings = @($all | Where-Object { $_ -is [Management.Automation.WarningRecord] })
            All      = @($all)
        }
    }

    function Write-Inventory([string]$Path, [string]$Root, [string[]]$OperatingSystems, [string]$Hosts) {
        $text = @"
schemaVersion: 1
registries:
  - name: lab
    url: http://$($script:Registry.Host)
    usernameEnv: $script:UserEnv
    passwordEnv: $script:PasswordEnv
    keys: [cosign.pub]
    signaturePolicy: required
operatingSystems:
  - name: alpha
    version: "1"
    architectures: [amd64]
    registry: lab
    repository: netboot/alpha
  - name: beta
    version: "2"
    architectures: [amd64, arm64]
    registry: lab
    repository: netboot/beta
  - name: gamma
    version: "3"
    architectures: [amd64]
    registry: lab
    repository: netboot/gamma
proxies:
  - name: pxe
    root: $Root
    operatingSystems: [$($OperatingSystems -join ', ')]
    aliases:
      - "boot/{os}-{version}-{arch}-{file}"
    hosts:
$Hosts
"@
        Set-Content -Path $Path -Value $text
    }

    if ($skipReason) { return }
    $script:Registry = Start-TestRegistry $TestDrive -User $script:User -Password $script:Password
    Set-Item "env:$script:UserEnv" $script:User
    Set-Item "env:$script:PasswordEnv" $script:Password
    $credential = [pscredential]::new($script:User, (ConvertTo-SecureString $script:Password -AsPlainText -Force))

    # A cosign-compatible ECDSA P-256 key pair: PKCS#8 private key to sign with, SPKI public key for the inventory.
    $script:Site = Join-Path $TestDrive 'site'
    New-Item -ItemType Directory -Force $script:Site | Out-Null
    $ecdsa = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve]::CreateFromFriendlyName('nistP256'))
    $signingKey = Join-Path $TestDrive 'cosign.key'
    Set-Content $signingKey $ecdsa.ExportPkcs8PrivateKeyPem()
    Set-Content (Join-Path $script:Site 'cosign.pub') $ecdsa.ExportSubjectPublicKeyInfoPem()

    # alpha 1 amd64 and beta 2 amd64+arm64 signed; gamma 3 unsigned.
    $publish = @(
        @{ Name = 'alpha'; Version = '1'; Architecture = 'amd64'; Sign = $true },
        @{ Name = 'beta'; Version = '2'; Architecture = 'amd64'; Sign = $true },
        @{ Name = 'beta'; Version = '2'; Architecture = 'arm64'; Sign = $true },
        @{ Name = 'gamma'; Version = '3'; Architecture = 'amd64'; Sign = $false })
    foreach ($p in $publish) {
        $files = New-BootFiles (Join-Path $TestDrive "files-$($p.Name)-$($p.Architecture)")
        $params = @{
            Path = (Get-ChildItem $files.FullName -File).FullName; Reference = "$($script:Registry.Host)/netboot/$($p.Name)"
            Name = $p.Name; Version = $p.Version; Architecture = $p.Architecture; EntryPoint = 'shimx64.efi'
            Credential = $credential; PlainHttp = $true
        }
        if ($p.Sign) { $params.SigningKey = $signingKey }
        Publish-NetbootArtifact @params | Out-Null
    }
    $script:TwoHosts = "      - mac: `"52:54:00:12:34:56`"`n        os: alpha-1`n      - mac: 52-54-00-ab-cd-ef`n        os: beta-2-arm64"
}

AfterAll {
    if ($script:Registry) { Stop-TestRegistry $script:Registry }
    Remove-Item "env:$script:UserEnv", "env:$script:PasswordEnv" -ErrorAction Ignore
}

Describe 'The README inventory pipeline' -Tag 'Integration' {
    It 'is the line README.md documents' {
        $code = Get-ReadmePipeline
        $bare = (($code -split '\r?\n' | ForEach-Object { ($_ -replace '#.*$', '').Trim() }) -join ' ') -replace '\s+', ' '
        $bare.Trim() | Should -BeExactly 'Get-NetbootArtifact -InventoryPath site.yaml | Test-NetbootSignature -PassThru | Save-NetbootArtifact | Set-NetbootLink'
    }

    Context 'Set-NetbootLink binding' {
        BeforeAll {
            $layout = New-TestLayout (Join-Path $TestDrive 'binding') -Name bindos
            $bindRoot = Join-Path $TestDrive 'binding/tftp'
            $bindSaved = Get-NetbootArtifact $layout | Save-NetbootArtifact -Destination $bindRoot
        }
        It 'binds a piped Save result as InputObject, and other objects by property name' {
            (Get-Command Set-NetbootLink).DefaultParameterSet | Should -Be 'InputObject'
            @($bindSaved | Set-NetbootLink -Name 'a/{file}').Count | Should -BeGreaterThan 0
            $plain = [pscustomobject]@{ Destination = $bindRoot; Path = $bindSaved.Path }
            @($plain | Set-NetbootLink -Name 'b/{file}' | Where-Object Changed).Count | Should -BeGreaterThan 0
            Test-Path (Join-Path $bindRoot 'b/vmlinuz') | Should -BeTrue
        }
        It 'still says "Nothing to link" for a Save result that carries no inventory settings' {
            $bindSaved.Aliases | Should -BeNullOrEmpty
            $bindSaved | Set-NetbootLink -ErrorVariable err -ErrorAction SilentlyContinue
            Get-ErrorId $err[0] | Should -Be 'InvalidArgument'
        }
    }

    Context 'signed artifacts, credentials from the environment, plain HTTP' {
        BeforeAll {
            if ($skipReason) { return }
            $dir = Join-Path $script:Site 'deploy'
            New-Item -ItemType Directory -Force $dir | Out-Null
            Copy-Item (Join-Path $script:Site 'cosign.pub') $dir
            Write-Inventory (Join-Path $dir 'site.yaml') -Root 'tftp-pipeline' -OperatingSystems 'alpha-1', 'beta-2' -Hosts $script:TwoHosts
            Write-Inventory (Join-Path $dir 'site-sync.yaml') -Root 'tftp-sync' -OperatingSystems 'alpha-1', 'beta-2' -Hosts $script:TwoHosts
            $pipelineRoot = Join-Path $dir 'tftp-pipeline'
            $syncRoot = Join-Path $dir 'tftp-sync'
            $first = Invoke-ReadmePipeline $dir -Verbose
        }

        It 'deploys every artifact, alias and host entry without an error' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
            $first.Errors | ForEach-Object { "$(Get-ErrorId $_): $_" } | Should -BeNullOrEmpty
            $first.Output.Count | Should -BeGreaterThan 0
            $first.Output | ForEach-Object { $_.PSTypeNames[0] } | Sort-Object -Unique | Should -Be 'NetbootOci.LinkResult'
            foreach ($arch in 'amd64', 'arm64') { Test-Path (Join-Path $pipelineRoot "beta/2/$arch/vmlinuz") | Should -BeTrue }
            Test-Path (Join-Path $pipelineRoot 'alpha/1/amd64/shimx64.efi') | Should -BeTrue
            # Each entry serves 6 names (4 files, boot and boot-alt): aliases for 3 artifacts, entries for 2 hosts.
            @($first.Output | Where-Object { $_.MacAddress -eq $null }).Count | Should -Be 18
            @($first.Output | Where-Object { $_.MacAddress -ne $null }).Count | Should -Be 12
            @($first.Output | Where-Object { -not $_.Changed }) | Should -BeNullOrEmpty
            (Get-Item (Join-Path $pipelineRoot 'boot/beta-2-arm64-vmlinuz')).LinkType | Should -Be 'SymbolicLink'
            [IO.File]::ReadAllBytes((Join-Path $pipelineRoot 'host-config/52-54-00-ab-cd-ef/vmlinuz')).Length | Should -Be 2MB
            (Get-FileHash (Join-Path $pipelineRoot 'host-config/52-54-00-ab-cd-ef/vmlinuz')).Hash | Should -Be (Get-FileHash (Join-Path $TestDrive 'files-beta-arm64/vmlinuz')).Hash
        }

        It 'verified the signatures it was told to require' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
            $verbose = ($first.All | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Out-String)
            $first.Warnings | Should -BeNullOrEmpty
            Push-Location (Split-Path $pipelineRoot)
            try { $passed = @(Get-NetbootArtifact -InventoryPath site.yaml | Test-NetbootSignature -Detailed) }
            finally { Pop-Location }
            $passed.Count | Should -Be 3
            $passed.Verified | Should -Not -Contain $false
            $verbose | Should -Not -Match 'not checked'
        }

        It 'carries credential names, never the password, on the artifacts and in every stream' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
            Push-Location (Split-Path $pipelineRoot)
            try { $artifacts = @(Get-NetbootArtifact -InventoryPath site.yaml) }
            finally { Pop-Location }
            $shown = $artifacts | Format-List * | Out-String -Width 400
            $shown | Should -Match $script:PasswordEnv
            $shown | Should -Not -Match $script:Password
            ($artifacts | ConvertTo-Json -Depth 6) | Should -Not -Match $script:Password
            ($first.All | Out-String -Width 400) | Should -Not -Match $script:Password
        }

        It 'changes nothing on a second run' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
            $before = Get-TreeSnapshot $pipelineRoot
            $second = Invoke-ReadmePipeline (Split-Path $pipelineRoot)
            $second.Errors | ForEach-Object { "$(Get-ErrorId $_): $_" } | Should -BeNullOrEmpty
            $second.Output.Count | Should -Be $first.Output.Count
            @($second.Output | Where-Object { $_.Changed -ne $false }) | Should -BeNullOrEmpty
            Get-TreeSnapshot $pipelineRoot | Should -Be $before
        }

        It 'makes the same tree as netboot-oci sync on the same inventory' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
            $sync = Invoke-Sync (Join-Path (Split-Path $syncRoot) 'site-sync.yaml')
            $sync.Text | Should -Not -Match $script:Password
            $sync.ExitCode | Should -Be 0 -Because $sync.Text
            $pipelineTree = Get-TreeSnapshot $pipelineRoot
            $syncTree = Get-TreeSnapshot $syncRoot
            $diff = Compare-Object $pipelineTree $syncTree | ForEach-Object { "$($_.SideIndicator) $($_.InputObject)" }
            $diff | Should -BeNullOrEmpty -Because '<= is only in the pipeline root, => only in the sync root'
            # Not two empty trees: 3 entries, 30 managed names recorded alike.
            @($pipelineTree | Where-Object { $_ -like 'L */* -> *.netboot-oci/trees/*' }).Count | Should -Be 3
            $record = Get-Content -Raw (Join-Path $syncRoot '.netboot-oci/links.json') | ConvertFrom-Json
            @($record.Links.PSObject.Properties).Count | Should -Be 30
        }
    }

    Context 'an unsigned artifact under signaturePolicy: required' {
        BeforeAll {
            if ($skipReason) { return }
            $dir = Join-Path $script:Site 'unsigned'
            New-Item -ItemType Directory -Force $dir | Out-Null
            Copy-Item (Join-Path $script:Site 'cosign.pub') $dir
            Write-Inventory (Join-Path $dir 'site.yaml') -Root 'tftp' -OperatingSystems 'alpha-1', 'gamma-3' -Hosts "      - mac: `"52:54:00:00:00:03`"`n        os: gamma-3"
            $run = Invoke-ReadmePipeline $dir
            $root = Join-Path $dir 'tftp'
        }
        It 'is refused with SignatureNotFound, naming it; the rest deploys' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
            $ids = @($run.Errors | ForEach-Object { Get-ErrorId $_ })
            $ids | Should -Be @('SignatureNotFound')
            "$($run.Errors[0])" | Should -Match 'netboot/gamma'
            Test-Path (Join-Path $root 'gamma') | Should -BeFalse
            Test-Path (Join-Path $root 'host-config/52-54-00-00-00-03') | Should -BeFalse
            Test-Path (Join-Path $root 'alpha/1/amd64/vmlinuz') | Should -BeTrue
            Test-Path (Join-Path $root 'boot/alpha-1-amd64-vmlinuz') | Should -BeTrue
            @($run.Output | Where-Object { $_.Name -like 'boot/gamma*' }) | Should -BeNullOrEmpty
        }
        It 'leaves the same tree as netboot-oci sync, which refuses it the same way' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
            $dir = Split-Path $root
            (Get-Content (Join-Path $dir 'site.yaml')) -replace '^    root: tftp$', '    root: tftp-sync' | Set-Content (Join-Path $dir 'site-sync.yaml')
            $sync = Invoke-Sync (Join-Path $dir 'site-sync.yaml')
            $sync.ExitCode | Should -Be 1 -Because $sync.Text
            $sync.Text | Should -Match 'SignatureNotFound'
            $diff = Compare-Object (Get-TreeSnapshot $root) (Get-TreeSnapshot (Join-Path $dir 'tftp-sync')) | ForEach-Object { "$($_.SideIndicator) $($_.InputObject)" }
            $diff | Should -BeNullOrEmpty -Because '<= is only in the pipeline root, => only in the sync root'
        }
    }

    Context 'a wrong password in the environment' {
        BeforeAll {
            if ($skipReason) { return }
            $dir = Join-Path $script:Site 'wrong'
            New-Item -ItemType Directory -Force $dir | Out-Null
            Copy-Item (Join-Path $script:Site 'cosign.pub') $dir
            Write-Inventory (Join-Path $dir 'site.yaml') -Root 'tftp' -OperatingSystems 'alpha-1' -Hosts "      - mac: `"52:54:00:00:00:01`"`n        os: alpha-1"
            $wrong = 'Wrong-' + [guid]::NewGuid().ToString('N')
            Set-Item "env:$script:PasswordEnv" $wrong
            try {
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $run = Invoke-ReadmePipeline $dir -Verbose
                $elapsed = $clock.Elapsed
            }
            finally { Set-Item "env:$script:PasswordEnv" $script:Password }
        }
        It 'fails with AuthenticationFailed at once, naming the registry' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
            $ids = @($run.Errors | ForEach-Object { Get-ErrorId $_ } | Sort-Object -Unique)
            $ids | Should -Be @('AuthenticationFailed')
            "$($run.Errors[0])" | Should -Match ([regex]::Escape($script:Registry.Host))
            ($run.Warnings | Out-String) | Should -Match "Registry 'lab'"
            $elapsed.TotalSeconds | Should -BeLessThan 5 -Because 'a refused password is final, not retried'
            $run.Output | Should -BeNullOrEmpty
            Test-Path (Join-Path $dir 'tftp/alpha') | Should -BeFalse
        }
        It 'shows the password in no stream' {
            if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
            $text = ($run.All | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { "$_ $($_.Exception | Format-List * -Force | Out-String)" } else { "$_" } }) -join "`n"
            $text | Should -Not -Match $wrong
            $text | Should -Not -Match $script:Password
        }
    }
}
