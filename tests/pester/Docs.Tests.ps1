# Every documented PowerShell example runs here as a test: each ```powershell block of README.md and each
# example of module/docs/*.md (the code src/NetbootOci.HelpGen turns into Get-Help -Examples), extracted when
# the tests are discovered, so a changed or new example is tested as it is written.
#
# The only change made to a block is its registry host: quay.io, registry.example, registry.example.net/.org/.com
# each become the 127.0.0.1:PORT of a real docker-registry started here and filled first (with
# Publish-NetbootArtifact) with the repositories, tags and signatures the examples ask for. The registries speak
# HTTPS with a certificate of a test CA, trusted the way a site trusts its own CA on Linux (SSL_CERT_FILE, read by
# .NET's OpenSSL at process start), so the examples need no -PlainHttp: the module has no documented way to mark
# a registry as plain HTTP other than that switch (and an inventory's plainHttp), and adding switches to the
# examples would test something other than what they say.
#
# Each block runs in a fresh pwsh (module autoloaded from PSModulePath, as after an installation) in its own
# working directory holding the files the examples name: ./cosign.pub (the key the fixture signed with),
# ./a.pub, ./b.pub, ./rekor.pub, ./cosign.key, the boot-file folders ./fedora-40, ./alma-9, ./boot, ./debian-12,
# ./f40-x86_64, the OCI layout ./layout, the inventory ./site.yaml and the TFTP root ./tftproot (with Fedora 40
# and Debian 12 deployed). A block passes when it used the built module and wrote output, no error, no
# warning, no $false and no unverified signature result. Read-Host and Get-Credential in a block are answered
# with what the fixture's user would type (a test cannot type into PowerShell's console prompts; the cmdlets
# still get a real SecureString and PSCredential).
#
# NETBOOTOCI_DOCS_KEEP=DIR copies each example's folder, block, and result there for a look afterwards.
#
# Not run here, each with its reason in the skipped test's name: blocks that install from the PowerShell
# Gallery (Package.Tests.ps1 runs them against a local repository), and the README's scheduled-script and
# Ansible blocks, which only run under their own runners and are tested there.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath

    function Get-ShortText([string]$Text, [int]$Max = 70) {
        $t = $Text.Trim().TrimEnd(':')
        if ($t.Length -le $Max) { return $t }
        $cut = $t.Substring(0, $Max)
        $space = $cut.LastIndexOf(' ')
        if ($space -gt 20) { $cut = $cut.Substring(0, $space) }
        $cut + '...'
    }

    # README.md: every ```powershell fence, named by its section and the sentence that introduces it.
    function Get-ReadmeBlocks([string]$Path) {
        $found = New-Object Collections.Generic.List[object]
        $section = ''; $para = ''; $previousBlank = $true; $inCode = $false; $lang = ''; $code = $null; $startLine = 0; $lineNo = 0
        foreach ($raw in [IO.File]::ReadAllLines($Path)) {
            $lineNo++
            $line = $raw.TrimEnd()
            if ($line.StartsWith('```')) {
                if (-not $inCode) { $inCode = $true; $lang = $line.Substring(3).Trim(); $code = New-Object Collections.Generic.List[string]; $startLine = $lineNo }
                else {
                    $inCode = $false
                    if ($lang -eq 'powershell') { $found.Add([pscustomobject]@{ Section = $section; Intro = $para; Code = ($code -join "`n"); Line = $startLine }) }
                }
                $previousBlank = $true
                continue
            }
            if ($inCode) { $code.Add($line); continue }
            if ($line -match '^#{2,3} (.+)$') { $section = $Matches[1]; $para = ''; $previousBlank = $true; continue }
            if (-not $line.Trim()) { $previousBlank = $true; continue }
            if ($previousBlank) { $para = $line }
            $previousBlank = $false
        }
        foreach ($group in $found | Group-Object Section) {
            $i = 0
            foreach ($b in $group.Group) {
                $i++
                $name = "README.md / $($b.Section)"
                if ($group.Count -gt 1) { $name += " #$i" }
                if ($b.Intro) { $name += " ($(Get-ShortText $b.Intro))" }
                $b | Add-Member Name $name -PassThru
            }
        }
    }

    # module/docs/<Cmdlet>.md: read the way HelpGen reads it (MarkdownHelp.Parse): under "## EXAMPLES" each
    # "### title" and the first fenced block after it, whatever its language; lines trimmed at the end.
    function Get-HelpExamples([string]$Path) {
        $examples = New-Object Collections.Generic.List[object]
        $section = ''; $sub = ''; $inCode = $false
        $body = New-Object Collections.Generic.List[string]
        $lines = @([IO.File]::ReadAllLines($Path) | ForEach-Object { $_.TrimEnd() }) + @('## END')
        foreach ($line in $lines) {
            if ($line.StartsWith('```')) { $inCode = -not $inCode }
            if (-not $inCode -and $line -match '^#{1,3} ') {
                if ($section -eq 'EXAMPLES' -and $sub) {
                    $open = $body.FindIndex([Predicate[string]] { param($l) $l.StartsWith('```') })
                    $close = if ($open -lt 0) { -1 } else { $body.FindIndex($open + 1, [Predicate[string]] { param($l) $l.StartsWith('```') }) }
                    $code = if ($close -gt $open) { ($body.GetRange($open + 1, $close - $open - 1)) -join "`n" } else { $null }
                    $examples.Add([pscustomobject]@{ Title = $sub; Code = $code; Fence = $(if ($open -ge 0) { $body[$open] } else { '' }) })
                }
                $body.Clear()
                if ($line.StartsWith('# ')) { $section = ''; $sub = '' }
                elseif ($line.StartsWith('## ')) { $section = $line.Substring(3).Trim().ToUpperInvariant(); $sub = '' }
                else { $sub = $line.Substring(4).Trim() }
                continue
            }
            $body.Add($line)
        }
        $examples
    }

    # Blocks another suite runs through their real runner, each finding the block in README.md by this marker.
    $notRunHere = @(
        @{ Test = { param($b) $b.Code -match '(?m)^\s*Install-(PSResource|Module)\b' }
            Owner = 'Package.Tests.ps1'; Marker = "'## Installation'"; Why = 'installs from the PowerShell Gallery: run against a local folder repository' }
        @{ Test = { param($b) $b.Name -like 'README.md / Pipelines*' -and $b.Intro -like 'Scheduled script*' }
            Owner = 'Scheduled.Tests.ps1'; Marker = "README.md's scheduled-script block"; Why = 'a scheduled script: run as a process with its exit codes' }
        @{ Test = { param($b) $b.Code -match '(?m)^#AnsibleRequires' }
            Owner = 'Ansible.Tests.ps1'; Marker = "README.md's Ansible block"; Why = "an Ansible module: run under the real Ansible.Basic" }
    )

    $all = New-Object Collections.Generic.List[object]
    foreach ($b in Get-ReadmeBlocks (Join-Path $repoRoot 'README.md')) { $all.Add($b) }
    $HelpPages = New-Object Collections.Generic.List[hashtable]
    foreach ($page in Get-ChildItem (Join-Path $repoRoot 'module/docs') -Filter '*.md' | Sort-Object Name) {
        $examples = @(Get-HelpExamples $page.FullName)
        $HelpPages.Add(@{ Cmdlet = $page.BaseName; File = "module/docs/$($page.Name)"; Examples = $examples })
        foreach ($e in $examples) {
            $all.Add([pscustomobject]@{ Name = "module/docs/$($page.Name) / $($e.Title)"; Code = $e.Code; Section = 'EXAMPLES'; Intro = '' })
        }
    }
    $RunBlocks = New-Object Collections.Generic.List[hashtable]
    $SkippedBlocks = New-Object Collections.Generic.List[hashtable]
    $index = 0
    foreach ($b in $all) {
        $index++
        $owner = $null
        foreach ($rule in $notRunHere) { if (& $rule.Test $b) { $owner = $rule; break } }
        if ($owner) { $SkippedBlocks.Add(@{ Name = $b.Name; Owner = $owner.Owner; Marker = $owner.Marker; Why = $owner.Why }) }
        else { $RunBlocks.Add(@{ Name = $b.Name; Code = $b.Code; Index = $index }) }
    }
    $OtherFences = @(Select-String -Path (Join-Path $repoRoot 'README.md'), (Join-Path $repoRoot 'module/docs/*.md') -Pattern '^```\s*(pwsh|ps1|ps|posh|PowerShell)\s*$' -CaseSensitive |
        Where-Object { $_.Line.Trim() -cne '```powershell' } | ForEach-Object { "$(Split-Path -Leaf $_.Path):$($_.LineNumber): $($_.Line)" })

    $onWindows = [Environment]::OSVersion.Platform -eq 'Win32NT'
    $HaveRegistry = (-not $onWindows) -and (Test-RegistryAvailable)
    $HaveOpenssl = [bool](Get-Command openssl -CommandType Application -ErrorAction Ignore)
    if ($HaveRegistry -and -not $HaveOpenssl -and $env:CI -eq 'true') { throw 'openssl is not installed, but CI must run the documented examples (it makes the registry certificate)' }
    $CanRun = $HaveRegistry -and $HaveOpenssl
}

Describe 'The documented examples are found' {
    It 'README.md and module/docs hold PowerShell examples to run' -ForEach @{ Count = $RunBlocks.Count } {
        $Count | Should -BeGreaterThan 20
    }

    It 'every PowerShell fence is ```powershell (a ```pwsh or ```ps1 block would escape these tests)' -ForEach @{ Other = $OtherFences } {
        $Other | Should -BeNullOrEmpty
    }

    It '<File>: every example has a fenced code block' -ForEach $HelpPages {
        @($Examples | Where-Object { -not $_.Code }).Title | Should -BeNullOrEmpty
        @($Examples | Where-Object { $_.Fence -ne '```powershell' }).Title | Should -BeNullOrEmpty
    }

    It '<Cmdlet>: Get-Help -Examples of the imported module shows the examples of <File>' -ForEach $HelpPages {
        $help = Get-Help $Cmdlet -Examples
        $shown = @($help.examples.example)
        $shown.Count | Should -Be $Examples.Count
        for ($i = 0; $i -lt $Examples.Count; $i++) {
            ($shown[$i].code -replace "`r`n", "`n").Trim() | Should -BeExactly $Examples[$i].Code.Trim()
            $shown[$i].title.Contains($Examples[$i].Title) | Should -BeTrue -Because "Get-Help shows the title '$($shown[$i].title)'"
        }
    }
}

# Linux only: docker-registry and openssl are Linux peers here (in CI their absence fails discovery instead).
Describe 'Documented PowerShell examples run as written, only the registry host replaced (Linux: docker-registry, openssl)' -Skip:(-not $CanRun) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'common.ps1')
        $work = Join-Path $TestDrive 'docs'
        $template = Join-Path $work 'template'
        $runs = Join-Path $work 'runs'
        $childHome = Join-Path $work 'home'
        $modules = Join-Path $work 'modules'
        foreach ($d in $template, $runs, (Join-Path $childHome '.docker'), $modules) { New-Item -ItemType Directory -Force $d | Out-Null }

        # A test CA and a certificate for 127.0.0.1 (the registries' address).
        $pki = Join-Path $work 'pki'
        New-Item -ItemType Directory -Force $pki | Out-Null
        $ca = Join-Path $pki 'ca.pem'; $caKey = Join-Path $pki 'ca.key'; $cert = Join-Path $pki 'registry.pem'; $certKey = Join-Path $pki 'registry.key'
        $ext = Join-Path $pki 'ext.cnf'
        "subjectAltName=IP:127.0.0.1`nextendedKeyUsage=serverAuth`n" | Set-Content $ext
        $ssl = @(
            @('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', $caKey, '-out', $ca, '-days', '2', '-subj', '/CN=NetbootOci docs test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'),
            @('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', $certKey, '-out', "$cert.csr", '-subj', '/CN=127.0.0.1'),
            @('x509', '-req', '-in', "$cert.csr", '-CA', $ca, '-CAkey', $caKey, '-CAcreateserial', '-out', $cert, '-days', '2', '-extfile', $ext)
        )
        foreach ($a in $ssl) {
            $out = & openssl @a 2>&1
            if ($LASTEXITCODE) { throw "openssl $($a[0]) failed: $out" }
        }

        # One registry per documented host, so what one example publishes is never what another reads. The
        # .net and .org registries require a login (their examples authenticate); docker-registry takes its TLS
        # settings from REGISTRY_HTTP_TLS_* (distribution's documented environment overrides).
        $DocHosts = 'quay.io', 'registry.example.net', 'registry.example.org', 'registry.example.com', 'registry.example'
        $authHosts = 'registry.example.net', 'registry.example.org'
        $user = 'netboot'
        $password = [guid]::NewGuid().ToString('n')
        $registries = [ordered]@{}
        $env:REGISTRY_HTTP_TLS_CERTIFICATE = $cert
        $env:REGISTRY_HTTP_TLS_KEY = $certKey
        try {
            foreach ($h in $DocHosts) {
                $registries[$h] = if ($authHosts -contains $h) { Start-TestRegistry $work -User $user -Password $password } else { Start-TestRegistry $work }
            }
        }
        finally { Remove-Item Env:REGISTRY_HTTP_TLS_CERTIFICATE, Env:REGISTRY_HTTP_TLS_KEY -ErrorAction Ignore }
        $hostMap = @{}
        foreach ($h in $DocHosts) { $hostMap[$h] = $registries[$h].Host }

        # `docker login registry.example.net` done: the example that publishes there without -Credential finds it.
        $auth = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${user}:$password"))
        @{ auths = @{ $hostMap['registry.example.net'] = @{ auth = $auth } } } | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $childHome '.docker/config.json')

        # The built module, found by name as after an installation.
        $moduleBase = Join-Path $modules 'NetbootOci'
        New-Item -ItemType SymbolicLink -Path $moduleBase -Target (Resolve-Path $ModuleDir).ProviderPath | Out-Null
        $childEnv = @{
            HOME = $childHome; SSL_CERT_FILE = $ca; SSL_CERT_DIR = $null; PSModulePath = $modules; NO_COLOR = '1'
            XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; DOCKER_CONFIG = $null
            COSIGN_PASSWORD = $null; COSIGN_REPOSITORY = $null; NETBOOTOCI_MODULE = $null
        }

        # What the fixture's user types at prompts.
        $keyPassword = 'correct horse battery staple'
        $answers = Join-Path $work 'answers.json'
        @{ ReadHost = @{ 'cosign.key password' = $keyPassword }; Credential = @{ UserName = $user; Password = $password } } | ConvertTo-Json | Set-Content $answers

        # Fill the registries and the template working directory (in a child: it must trust the test CA).
        $seed = Join-Path $work 'seed.ps1'
        Set-Content $seed @'
param([string]$ConfigPath)
$ErrorActionPreference = 'Stop'
$c = Get-Content -Raw $ConfigPath | ConvertFrom-Json
$t = $c.Template
Import-Module NetbootOci
$rng = [Security.Cryptography.RandomNumberGenerator]::Create()
function New-SmallBootFiles([string]$Path) {
    # Small, random, and above the 4 KiB under which a boot file is reported as implausible.
    New-Item -ItemType Directory -Force $Path | Out-Null
    foreach ($name in 'shimx64.efi', 'grubx64.efi', 'pxelinux.0', 'vmlinuz', 'initrd.img') {
        $bytes = New-Object byte[] 16384
        $rng.GetBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $Path $name), $bytes)
    }
    $Path
}
function New-EcKey { [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve]::CreateFromFriendlyName('nistP256')) }

# The site's signing key: cosign.pub and a.pub are its public key, b.pub another trusted key, rekor.pub a test
# transparency log's key. The private key stays outside the examples' folder (cosign.key below is it encrypted).
$signing = New-EcKey
$signingPem = Join-Path $c.Work 'signing.pem'
Set-Content $signingPem $signing.ExportPkcs8PrivateKeyPem()
$signingPub = $signing.ExportSubjectPublicKeyInfoPem()
Set-Content (Join-Path $t 'cosign.pub') $signingPub
Set-Content (Join-Path $t 'a.pub') $signingPub
Set-Content (Join-Path $t 'b.pub') (New-EcKey).ExportSubjectPublicKeyInfoPem()
$rekor = New-EcKey
Set-Content (Join-Path $t 'rekor.pub') $rekor.ExportSubjectPublicKeyInfoPem()
$logId = (-join ([Security.Cryptography.SHA256]::Create().ComputeHash($rekor.ExportSubjectPublicKeyInfo()) | ForEach-Object { $_.ToString('x2') }))

$n = 0
function Publish-Seed([string]$Reference, [string]$Name, [string]$Version, [string]$Architecture = 'amd64', [switch]$Sign) {
    $script:n++
    $files = New-SmallBootFiles (Join-Path $c.Work "files/$script:n-$Name-$Version")
    $p = @{ Path = $files; Reference = $Reference; Name = $Name; Version = $Version; Architecture = $Architecture
        EntryPoint = 'shimx64.efi'; AltEntryPoint = 'grubx64.efi'; LegacyEntryPoint = 'pxelinux.0' }
    if ($Sign) { $p.SigningKey = $signingPem }
    $r = Publish-NetbootArtifact @p
    "published $Reference $Name-$Version-$Architecture $($r.Digest) signatures: $($r.Signatures -join ', ')"
    $r
}

# What `cosign sign --key` with a transparency log leaves: the classic signature layer annotated with Rekor's
# bundle, whose signed entry timestamp (the log's signature, here by the test log key) covers a hashedrekord
# entry describing this very signature, payload hash and public key.
function Add-RekorEntry([string]$Registry, [string]$Repository, [string]$Digest) {
    $base = "https://$Registry/v2/$Repository"
    $tag = $Digest.Replace(':', '-') + '.sig'
    $response = Invoke-WebRequest "$base/manifests/$tag" -Headers @{ Accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' }
    $mediaType = @($response.Headers['Content-Type'])[0]
    $text = if ($response.Content -is [byte[]]) { [Text.Encoding]::UTF8.GetString($response.Content) } else { $response.Content }
    $manifest = $text | ConvertFrom-Json
    $layer = $manifest.layers[0]
    $payload = Join-Path $c.Work 'payload'
    Invoke-WebRequest "$base/blobs/$($layer.digest)" -OutFile $payload
    $hash = (Get-FileHash $payload -Algorithm SHA256).Hash.ToLowerInvariant()
    $signature = $layer.annotations.'dev.cosignproject.cosign/signature'
    $body = [ordered]@{ apiVersion = '0.0.1'; kind = 'hashedrekord'; spec = [ordered]@{
        data = @{ hash = [ordered]@{ algorithm = 'sha256'; value = $hash } }
        signature = [ordered]@{ content = $signature; publicKey = @{ content = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($signingPub)) } } } }
    $body64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(($body | ConvertTo-Json -Depth 6 -Compress)))
    $time = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $signed = '{"body":"' + $body64 + '","integratedTime":' + $time + ',"logID":"' + $logId + '","logIndex":1}'
    $set = [Convert]::ToBase64String($rekor.SignData([Text.Encoding]::UTF8.GetBytes($signed), [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.DSASignatureFormat]::Rfc3279DerSequence))
    $bundle = '{"SignedEntryTimestamp":"' + $set + '","Payload":{"body":"' + $body64 + '","integratedTime":' + $time + ',"logIndex":1,"logID":"' + $logId + '"}}'
    $layer.annotations | Add-Member -NotePropertyName 'dev.sigstore.cosign/bundle' -NotePropertyValue $bundle
    Invoke-WebRequest "$base/manifests/$tag" -Method Put -ContentType $mediaType -Body ($manifest | ConvertTo-Json -Depth 10 -Compress) | Out-Null
    "Rekor entry added to $Repository`:$tag"
}

$quay = $c.Hosts.'quay.io'
$example = $c.Hosts.'registry.example'
Publish-Seed "$quay/example/netboot" fedora 40 -Sign
Publish-Seed "$quay/example/netboot" fedora 41 -Sign
Publish-Seed "$quay/example/netboot" debian 12 -Sign
Publish-Seed "$quay/foreman/nboci-files" fedora 40 -Architecture x86_64
Publish-Seed "$example/netboot" fedora 40 -Sign
Publish-Seed "$example/netboot" debian 12 -Sign
$tagged = Publish-Seed "$example/netboot/fedora:40-amd64" fedora 40 -Sign
Add-RekorEntry $example 'netboot/fedora' $tagged[-1].Digest
Publish-Seed "oci:$(Join-Path $t 'layout')" fedora 40 -Sign
Publish-Seed "oci:$(Join-Path $t 'layout')" debian 12

# cosign.key: the signing key in cosign's encrypted format. Nothing on this machine writes that format (no
# cosign), so the module's own writer does (the engine's SigningKey.ToCosignKey, which its xunit KeyTests
# check against keys cosign made), reached by reflection because the engine's types are not public to scripts.
$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'NetbootOci.Engine' } | Select-Object -First 1
$keyType = $engine.GetType('NetbootOci.Engine.Signing.SigningKey', $true)
$key = $keyType::Load($signingPem, $null)
Set-Content (Join-Path $t 'cosign.key') $key.ToCosignKey([Text.Encoding]::UTF8.GetBytes($c.KeyPassword))

foreach ($dir in 'fedora-40', 'alma-9', 'boot', 'debian-12', 'f40-x86_64') { New-SmallBootFiles (Join-Path $t $dir) | Out-Null }

# The TFTP root as a site has it: Fedora 40 and Debian 12 deployed.
Get-NetbootArtifact "$quay/example/netboot" -Name fedora, debian -Version 40, 12 | Save-NetbootArtifact -Destination (Join-Path $t 'tftproot') |
    ForEach-Object { "deployed $($_.Name) $($_.Version) $($_.Architecture) at $($_.Path)" }

# The site inventory: one boot proxy serving ./tftproot from the quay.io stand-in, signatures required.
@"
schemaVersion: 1
registries:
  - name: example
    url: $quay/example
    keys: [cosign.pub]
    signaturePolicy: required
operatingSystems:
  - name: fedora
    version: "40"
    architectures: [amd64]
    registry: example
    repository: netboot
  - name: debian
    version: "12"
    architectures: [amd64]
    registry: example
    repository: netboot
proxies:
  - name: pxe-dc1
    root: tftproot
    operatingSystems: [fedora-40, debian-12]
    aliases:
      - "boot/{os}-{version}-{arch}-{file}"
    hosts:
      - name: db01
        mac: "52:54:00:12:34:56"
        os: debian-12
"@ | Set-Content (Join-Path $t 'site.yaml')
'@
        $config = Join-Path $work 'seed.json'
        @{ Template = $template; Work = $work; Hosts = $hostMap; KeyPassword = $keyPassword } | ConvertTo-Json | Set-Content $config
        $seeded = Invoke-NetbootChildPwsh -File $seed -Arguments '-ConfigPath', $config -WorkingDirectory $work -Environment $childEnv -TimeoutSeconds 300
        if ($seeded.ExitCode) { throw "seeding the registries failed (exit $($seeded.ExitCode)):`n$($seeded.StdOut)`n$($seeded.StdErr)" }

        # Runs one block in this fresh process as a user would type it, and records what it wrote.
        $runner = Join-Path $work 'run-example.ps1'
        Set-Content $runner @'
param([string]$BlockPath, [string]$ResultPath, [string]$AnswersPath)
$global:NetbootDocsAnswers = Get-Content -Raw $AnswersPath | ConvertFrom-Json
function global:Read-Host {
    param([Parameter(Position = 0)] [object]$Prompt, [switch]$AsSecureString, [switch]$MaskInput)
    $answer = $global:NetbootDocsAnswers.ReadHost.PSObject.Properties[[string]$Prompt]
    if (-not $answer) { throw "the example prompts with Read-Host '$Prompt', which the test has no answer for" }
    if ($AsSecureString) { ConvertTo-SecureString $answer.Value -AsPlainText -Force } else { $answer.Value }
}
function global:Get-Credential {
    param([Parameter(Position = 0)] [object]$Credential, [string]$Message, [string]$Title, [string]$UserName)
    $a = $global:NetbootDocsAnswers.Credential
    New-Object Management.Automation.PSCredential ($a.UserName, (ConvertTo-SecureString $a.Password -AsPlainText -Force))
}
$records = New-Object Collections.Generic.List[object]
try { . $BlockPath *>&1 | ForEach-Object { $records.Add($_) } }
catch { $records.Add($_) }
$errors = @(); $warnings = @()
$outputs = New-Object Collections.Generic.List[object]
foreach ($r in $records) {
    if ($r -is [Management.Automation.ErrorRecord]) { $errors += [pscustomobject]@{ Id = $r.FullyQualifiedErrorId; Message = "$r"; At = "$($r.InvocationInfo.PositionMessage)" } }
    elseif ($r -is [Management.Automation.WarningRecord]) { $warnings += $r.Message }
    elseif ($r -is [Management.Automation.InformationalRecord] -or $r -is [Management.Automation.InformationRecord]) { }
    else { $outputs.Add($r) }
}
[pscustomobject]@{
    Errors = $errors
    Warnings = $warnings
    OutputCount = $outputs.Count
    FalseResults = @($outputs | Where-Object { ($_ -is [bool] -and -not $_) -or ($null -ne $_ -and $_.PSObject.Properties['Verified'] -and $_.Verified -eq $false) }).Count
    Types = @($outputs | Where-Object { $null -ne $_ } | ForEach-Object { $_.GetType().FullName } | Select-Object -Unique)
    Output = ($outputs | Out-String -Width 160)
    ModuleBase = @(Get-Module NetbootOci | ForEach-Object ModuleBase)
} | ConvertTo-Json -Depth 4 | Set-Content $ResultPath
'@

        $hostPattern = '(?<![\w.-])(' + (($DocHosts | ForEach-Object { [regex]::Escape($_) }) -join '|') + ')(?=/)'
        function Convert-DocsHost([string]$Code) {
            $map = $hostMap
            [regex]::Replace($Code, $hostPattern, [Text.RegularExpressions.MatchEvaluator] { param($m) $map[$m.Value] }.GetNewClosure())
        }
    }

    AfterAll {
        if ($env:NETBOOTOCI_DOCS_KEEP) { & cp -a $runs $env:NETBOOTOCI_DOCS_KEEP }
        foreach ($r in $registries.Values) { Stop-TestRegistry $r }
    }

    It '<Name>' -ForEach $RunBlocks {
        $dir = Join-Path $runs ('{0:d2}' -f $Index)
        New-Item -ItemType Directory -Force $dir | Out-Null
        & cp -a "$template/." $dir
        if ($LASTEXITCODE) { throw "copying the example folder failed ($LASTEXITCODE)" }
        $block = "$dir.example.ps1"
        $result = "$dir.result.json"
        $code = Convert-DocsHost $Code
        Set-Content $block $code
        $run = Invoke-NetbootChildPwsh -File $runner -Arguments '-BlockPath', $block, '-ResultPath', $result, '-AnswersPath', $answers -WorkingDirectory $dir -Environment $childEnv
        $r = if (Test-Path $result) { Get-Content -Raw $result | ConvertFrom-Json } else { $null }
        $problems = @()
        if ($run.ExitCode) { $problems += "exit code $($run.ExitCode)" }
        if (-not $r) { $problems += 'the runner wrote no result' }
        else {
            foreach ($e in @($r.Errors)) { $problems += "error $($e.Id): $($e.Message)$([Environment]::NewLine)$($e.At)" }
            foreach ($w in @($r.Warnings)) { $problems += "warning: $w" }
            if ($r.OutputCount -eq 0) { $problems += 'no output' }
            if ($r.FalseResults) { $problems += "$($r.FalseResults) `$false or unverified result(s) in the output" }
            if (@($r.ModuleBase) -notcontains $moduleBase) { $problems += "the module was not the built one autoloaded from $moduleBase (loaded: $(@($r.ModuleBase) -join ', '))" }
        }
        if ($problems) {
            throw ("{0}`n--- block as run (in {1}):`n{2}`n--- output:`n{3}`n--- stdout:`n{4}`n--- stderr:`n{5}" -f ($problems -join "`n"), $dir, $code, $r.Output, $run.StdOut, $run.StdErr)
        }
    }

    It '<Name>: run by <Owner> (<Why>)' -ForEach $SkippedBlocks {
        Get-Content -Raw (Join-Path $PSScriptRoot $Owner) | Should -Match ([regex]::Escape($Marker))
    }
}
