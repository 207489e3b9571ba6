# What PowerShell admins rely on, across the five cmdlets: ShouldProcess (-WhatIf, -WhatIf:$false,
# $WhatIfPreference, -Confirm answered No, $ConfirmPreference), -ErrorAction with one failing artifact among
# several, error ids and categories as the README documents them, Stop() part-way through a large Save,
# streaming (Select-Object -First, results before the last artifact is done, progress), no secret in any stream,
# and default views readable at 120 columns.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $noRegistry = -not (Test-RegistryAvailable)
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $ModulePath = (Get-Module NetbootOci).Path

    if (-not ('NetbootTestAnswerHost' -as [type])) {
        # C# 5, so that Windows PowerShell 5.1's Add-Type compiles it too.
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Threading;

// A host whose user gives one fixed answer ("No", "Yes") to every confirmation prompt, so -Confirm and
// $ConfirmPreference are tested without a terminal. Prompts are recorded.
public sealed class NetbootTestAnswerHost : PSHost
{
    readonly Guid _id = Guid.NewGuid();
    readonly NetbootTestAnswerUI _ui;
    public NetbootTestAnswerHost(string answer) { _ui = new NetbootTestAnswerUI(answer); }
    public List<string> Prompts { get { return _ui.Prompts; } }
    public override string Name { get { return "NetbootTestAnswerHost"; } }
    public override Version Version { get { return new Version(1, 0); } }
    public override Guid InstanceId { get { return _id; } }
    public override PSHostUserInterface UI { get { return _ui; } }
    public override CultureInfo CurrentCulture { get { return CultureInfo.InvariantCulture; } }
    public override CultureInfo CurrentUICulture { get { return CultureInfo.InvariantCulture; } }
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() { throw new NotSupportedException(); }
    public override void ExitNestedPrompt() { throw new NotSupportedException(); }
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

public sealed class NetbootTestAnswerUI : PSHostUserInterface
{
    readonly string _answer;
    public readonly List<string> Prompts = new List<string>();
    public NetbootTestAnswerUI(string answer) { _answer = answer; }
    public override PSHostRawUserInterface RawUI { get { return null; } }
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        lock (Prompts) Prompts.Add(message);
        for (int i = 0; i < choices.Count; i++)
            if (choices[i].Label.Replace("&", "") == _answer) return i;
        throw new InvalidOperationException("no choice '" + _answer + "' in the prompt");
    }
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) { throw new NotSupportedException(); }
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) { throw new NotSupportedException(); }
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) { throw new NotSupportedException(); }
    public override string ReadLine() { throw new NotSupportedException(); }
    public override SecureString ReadLineAsSecureString() { throw new NotSupportedException(); }
    public override void Write(string value) { }
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
    public override void WriteLine(string value) { }
    public override void WriteErrorLine(string value) { }
    public override void WriteDebugLine(string message) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) { }
}

// A TCP relay in front of the real registry that sends its answers at a fixed rate, so a large download lasts
// long enough to be stopped part-way (loopback alone moves 400 MB in about a second). Counts what it served.
public sealed class NetbootTestThrottle : IDisposable
{
    readonly TcpListener _listener;
    readonly int _targetPort;
    readonly long _bytesPerSecond;
    long _served;
    volatile bool _stopped;

    public NetbootTestThrottle(int targetPort, long bytesPerSecond)
    {
        _targetPort = targetPort;
        _bytesPerSecond = bytesPerSecond;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        var accept = new Thread(AcceptLoop);
        accept.IsBackground = true;
        accept.Start();
    }

    public int Port { get { return ((IPEndPoint)_listener.LocalEndpoint).Port; } }
    public long BytesServed { get { return Interlocked.Read(ref _served); } }

    void AcceptLoop()
    {
        while (!_stopped)
        {
            TcpClient client;
            try { client = _listener.AcceptTcpClient(); }
            catch (SocketException) { return; }
            catch (ObjectDisposedException) { return; }
            var serve = new Thread(() => Serve(client));
            serve.IsBackground = true;
            serve.Start();
        }
    }

    void Serve(TcpClient client)
    {
        TcpClient upstream = null;
        try
        {
            upstream = new TcpClient();
            upstream.Connect(IPAddress.Loopback, _targetPort);
            NetworkStream down = client.GetStream(), up = upstream.GetStream();
            var requests = new Thread(() => Copy(down, up, false, client, upstream));
            requests.IsBackground = true;
            requests.Start();
            Copy(up, down, true, client, upstream);
        }
        catch (Exception) { Close(client, upstream); }
    }

    void Copy(NetworkStream from, NetworkStream to, bool throttled, TcpClient a, TcpClient b)
    {
        var buffer = new byte[16384];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        try
        {
            int n;
            while (!_stopped && (n = from.Read(buffer, 0, buffer.Length)) > 0)
            {
                to.Write(buffer, 0, n);
                if (!throttled) continue;
                sent += n;
                Interlocked.Add(ref _served, n);
                long ahead = sent * 1000 / _bytesPerSecond - clock.ElapsedMilliseconds;
                if (ahead > 0) Thread.Sleep((int)Math.Min(ahead, 1000));
            }
        }
        catch (Exception) { }
        Close(a, b);
    }

    static void Close(TcpClient a, TcpClient b)
    {
        try { a.Close(); } catch (Exception) { }
        try { if (b != null) b.Close(); } catch (Exception) { }
    }

    public void Dispose()
    {
        _stopped = true;
        _listener.Stop();
    }
}
'@
    }

    function Get-TreeSnapshot([string]$Path) {
        # Every entry under $Path with its kind, link target, size, content hash and write time: two equal
        # snapshots mean nothing was created, removed, rewritten or touched.
        if (-not (Test-Path -LiteralPath $Path)) { return @('<absent>') }
        $base = (Get-Item -LiteralPath $Path).FullName.TrimEnd('\', '/')
        @(Get-ChildItem -LiteralPath $Path -Recurse -Force | Sort-Object FullName | ForEach-Object {
            $rel = $_.FullName.Substring($base.Length)
            $target = if ($_.LinkType) { [string]$_.Target } else { '' }
            if ($_.PSIsContainer) { "$rel|dir|$target" }
            elseif ($target) { "$rel|link|$target" }
            else { "$rel|file|$($_.Length)|$((Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash)|$($_.LastWriteTimeUtc.Ticks)" }
        })
    }

    function Invoke-Answering([string]$Answer, [string]$Script, [hashtable]$Parameters = @{}) {
        # Runs $Script in a runspace whose user answers every prompt with $Answer; the script sees the module
        # imported and $Parameters as variables (one statement, not a batch).
        $answerHost = New-Object NetbootTestAnswerHost $Answer
        $runspace = [runspacefactory]::CreateRunspace($answerHost)
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        try {
            $null = $ps.AddScript("param(`$ModulePath, `$Parameters) Import-Module `$ModulePath; foreach (`$kv in `$Parameters.GetEnumerator()) { Set-Variable `$kv.Key `$kv.Value }`n$Script")
            $null = $ps.AddParameter('ModulePath', $ModulePath).AddParameter('Parameters', $Parameters)
            $output = $ps.Invoke()
            [pscustomobject]@{ Output = @($output); Errors = @($ps.Streams.Error); Prompts = @($answerHost.Prompts) }
        } finally { $ps.Dispose(); $runspace.Dispose() }
    }

    function New-BigFile([string]$Path, [long]$Size) {
        # Random, so nothing compresses or deduplicates it; written in 4 MiB blocks.
        $rng = [Security.Cryptography.RandomNumberGenerator]::Create()
        $buffer = New-Object byte[] (4MB)
        $stream = [IO.File]::Create($Path)
        try { for ($done = 0; $done -lt $Size; $done += $buffer.Length) { $rng.GetBytes($buffer); $stream.Write($buffer, 0, $buffer.Length) } }
        finally { $stream.Dispose() }
    }

    function New-TestKeyPair([string]$Directory, [string]$Curve = 'P-256') {
        # An ECDSA key pair as PEM files (PKCS#8 private key, SubjectPublicKeyInfo public key): openssl, or .NET on PowerShell 7.
        New-Item -ItemType Directory -Force $Directory | Out-Null
        $private = Join-Path $Directory "$Curve.key"; $public = Join-Path $Directory "$Curve.pub"
        if (Get-Command openssl -CommandType Application -ErrorAction Ignore) {
            & openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$Curve" -out $private 2>$null
            & openssl pkey -in $private -pubout -out $public 2>$null
        } else {
            $name = @{ 'P-256' = 'nistP256'; 'P-384' = 'nistP384'; 'P-521' = 'nistP521' }[$Curve]
            $ecdsa = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve]::CreateFromFriendlyName($name))
            if ($ecdsa.PSObject.Methods.Name -notcontains 'ExportPkcs8PrivateKey') { return $null }
            Set-Content $private ("-----BEGIN PRIVATE KEY-----`n" + [Convert]::ToBase64String($ecdsa.ExportPkcs8PrivateKey(), 'InsertLineBreaks') + "`n-----END PRIVATE KEY-----")
            Set-Content $public ("-----BEGIN PUBLIC KEY-----`n" + [Convert]::ToBase64String($ecdsa.ExportSubjectPublicKeyInfo(), 'InsertLineBreaks') + "`n-----END PUBLIC KEY-----")
        }
        if (-not ((Test-Path $private) -and (Test-Path $public))) { return $null }
        [pscustomobject]@{ Private = $private; Public = $public }
    }
}

Describe 'ShouldProcess on the state-changing cmdlets' -Tag 'Integration' {
    BeforeAll {
        $layout = New-TestLayout $TestDrive -Name testos -Version 1
        $artifact = Get-NetbootArtifact $layout
    }

    Context 'Save-NetbootArtifact' {
        It '-WhatIf and $WhatIfPreference describe the deployment with SaveResults and write nothing' {
            $root = Join-Path $TestDrive 'save-whatif'
            New-Item -ItemType Directory $root | Out-Null
            $before = Get-TreeSnapshot $root
            $plan = $artifact | Save-NetbootArtifact -Destination $root -WhatIf
            $plan.PSTypeNames[0] | Should -Be 'NetbootOci.SaveResult'
            $plan.Changed | Should -BeTrue
            $plan.Path | Should -Be ([IO.Path]::Combine($root, 'testos', '1', 'amd64'))
            $plan.BytesToDownload | Should -Be $artifact.Size
            $plan.BytesDownloaded | Should -Be 0
            $byPreference = & { $WhatIfPreference = $true; $artifact | Save-NetbootArtifact -Destination $root }
            $byPreference.PSTypeNames[0] | Should -Be 'NetbootOci.SaveResult'
            $byPreference.Changed | Should -BeTrue
            Get-TreeSnapshot $root | Should -Be $before
        }

        It '-WhatIf:$false deploys even under $WhatIfPreference; the second run and a -WhatIf after it report Changed = $false' {
            $root = Join-Path $TestDrive 'save-real'
            $first = & { $WhatIfPreference = $true; $artifact | Save-NetbootArtifact -Destination $root -WhatIf:$false }
            $first.Changed | Should -BeTrue
            $first.BytesDownloaded | Should -Be $artifact.Size
            [IO.File]::ReadAllBytes((Join-Path $first.Path 'vmlinuz')).Length | Should -Be 2MB
            $second = $artifact | Save-NetbootArtifact -Destination $root -WhatIf:$false
            $second.Changed | Should -BeFalse
            $second.BytesDownloaded | Should -Be 0
            $deployed = Get-TreeSnapshot $root
            $plan = $artifact | Save-NetbootArtifact -Destination $root -WhatIf
            $plan.Changed | Should -BeFalse
            $plan.BytesToDownload | Should -Be 0
            Get-TreeSnapshot $root | Should -Be $deployed
        }

        It '-Confirm answered No saves nothing; -Confirm:$false under $ConfirmPreference = Medium deploys without asking' {
            $root = Join-Path $TestDrive 'save-confirm'
            New-Item -ItemType Directory $root | Out-Null
            $before = Get-TreeSnapshot $root
            $save = 'Save-NetbootArtifact -Reference $Reference -Destination $Root'
            $no = Invoke-Answering No "$save -Confirm" @{ Reference = $layout; Root = $root }
            $no.Prompts.Count | Should -Be 1
            $no.Prompts[0] | Should -Match 'Save testos 1 amd64'
            $no.Output.Count | Should -Be 0
            $no.Errors.Count | Should -Be 0
            $byPreference = Invoke-Answering No "`$ConfirmPreference = 'Medium'; $save" @{ Reference = $layout; Root = $root }
            $byPreference.Prompts.Count | Should -Be 1
            $byPreference.Output.Count | Should -Be 0
            Get-TreeSnapshot $root | Should -Be $before
            $yes = Invoke-Answering No "`$ConfirmPreference = 'Medium'; $save -Confirm:`$false" @{ Reference = $layout; Root = $root }
            $yes.Prompts.Count | Should -Be 0
            $yes.Errors.Count | Should -Be 0
            $yes.Output[0].Changed | Should -BeTrue
            Test-Path (Join-Path $root 'testos/1/amd64/vmlinuz') | Should -BeTrue
        }
    }

    Context 'Set-NetbootLink' {
        BeforeAll {
            function New-SavedRoot([string]$Name) { $artifact | Save-NetbootArtifact -Destination (Join-Path $TestDrive $Name) }
            $template = 'boot/{os}-{version}-{arch}-{file}'
            $names = @('boot', 'boot-alt', 'grubx64.efi', 'initrd.img', 'shimx64.efi', 'vmlinuz') | ForEach-Object { "boot/testos-1-amd64-$_" }
        }

        It '-WhatIf and $WhatIfPreference return the LinkResults that would be created and touch nothing' {
            $saved = New-SavedRoot 'links-whatif'; $root = $saved.Destination
            $before = Get-TreeSnapshot $root
            $plan = @($saved | Set-NetbootLink -Name $template -WhatIf)
            $plan.Count | Should -Be 6
            $plan[0].PSTypeNames[0] | Should -Be 'NetbootOci.LinkResult'
            $plan.Name | Sort-Object | Should -Be $names
            $plan | ForEach-Object { $_.Changed | Should -BeTrue; $_.Action | Should -Be 'Created' }
            $byPreference = @(& { $WhatIfPreference = $true; $saved | Set-NetbootLink -Name $template })
            $byPreference.Count | Should -Be 6
            Get-TreeSnapshot $root | Should -Be $before
        }

        It 'after Save -WhatIf into a root that does not exist yet, -WhatIf plans the same links a real run makes, and nothing is created' {
            # What a scheduled sync -WhatIf or Ansible check mode does on a new OS.
            $root = Join-Path $TestDrive 'links-not-yet'
            $hosts = @('52:54:00:00:00:01')
            $plan = @($artifact | Save-NetbootArtifact -Destination $root -WhatIf | Set-NetbootLink -Name $template -MacAddress $hosts -WhatIf)
            Test-Path $root | Should -BeFalse
            $plan.Count | Should -Be 12
            $plan | ForEach-Object { $_.Action | Should -Be 'Created' }
            $real = @($artifact | Save-NetbootArtifact -Destination $root | Set-NetbootLink -Name $template -MacAddress $hosts)
            ($real | ForEach-Object { "$($_.Name) -> $($_.Target)" }) | Should -Be ($plan | ForEach-Object { "$($_.Name) -> $($_.Target)" })
        }

        It '-Confirm answered No creates nothing, not even the lock file; -Confirm:$false under $ConfirmPreference creates them' {
            $saved = New-SavedRoot 'links-confirm'; $root = $saved.Destination
            $before = Get-TreeSnapshot $root
            $link = 'Set-NetbootLink -Destination $Root -Path $Entry -Name $Template'
            $arguments = @{ Root = $root; Entry = $saved.Path; Template = $template }
            $no = Invoke-Answering No "$link -Confirm" $arguments
            $no.Prompts.Count | Should -Be 6
            $no.Output.Count | Should -Be 0
            $no.Errors.Count | Should -Be 0
            (Invoke-Answering No "`$ConfirmPreference = 'Medium'; $link" $arguments).Prompts.Count | Should -Be 6
            Get-TreeSnapshot $root | Should -Be $before
            $yes = Invoke-Answering No "`$ConfirmPreference = 'Medium'; $link -Confirm:`$false" $arguments
            $yes.Prompts.Count | Should -Be 0
            @($yes.Output | Where-Object Changed).Count | Should -Be 6
            Test-Path (Join-Path $root 'boot/testos-1-amd64-vmlinuz') | Should -BeTrue
        }

        It '-WhatIf:$false creates them under $WhatIfPreference; the second run and -WhatIf report Changed = $false' {
            $saved = New-SavedRoot 'links-real'; $root = $saved.Destination
            $first = @(& { $WhatIfPreference = $true; $saved | Set-NetbootLink -Name $template -WhatIf:$false })
            @($first | Where-Object Changed).Count | Should -Be 6
            [IO.File]::ReadAllBytes((Join-Path $root 'boot/testos-1-amd64-vmlinuz')).Length | Should -Be 2MB
            $again = @($saved | Set-NetbootLink -Name $template)
            $again.Count | Should -Be 6
            @($again | Where-Object Changed).Count | Should -Be 0
            $linked = Get-TreeSnapshot $root
            @($saved | Set-NetbootLink -Name $template -WhatIf | Where-Object Changed).Count | Should -Be 0
            Get-TreeSnapshot $root | Should -Be $linked
        }
    }

    Context 'Publish-NetbootArtifact' {
        BeforeAll {
            $files = New-BootFiles (Join-Path $TestDrive 'publish-files')
            $target = Join-Path $TestDrive 'publish-layout'
            Publish-NetbootArtifact -Path $files.FullName -Reference "oci:$target" -Name testos -Version 1 -Architecture amd64 | Out-Null
            $publish = @{ Path = $files.FullName; Reference = "oci:$target"; Name = 'testos'; Version = '2'; Architecture = 'amd64' }
        }

        It '-WhatIf and $WhatIfPreference return the PublishResult that would be pushed and leave the layout byte for byte' {
            $before = Get-TreeSnapshot $target
            $plan = Publish-NetbootArtifact @publish -WhatIf
            $plan.PSTypeNames[0] | Should -Be 'NetbootOci.PublishResult'
            $plan.WhatIf | Should -BeTrue
            $plan.Changed | Should -BeTrue
            $plan.Tag | Should -Be 'testos-2-amd64'
            $plan.Digest | Should -Match '^sha256:[0-9a-f]{64}$'
            $byPreference = & { $WhatIfPreference = $true; Publish-NetbootArtifact @publish }
            $byPreference.Digest | Should -Be $plan.Digest
            Get-TreeSnapshot $target | Should -Be $before
        }

        It '-Confirm answered No publishes nothing; -Confirm:$false under $ConfirmPreference publishes' {
            $before = Get-TreeSnapshot $target
            $script = 'Publish-NetbootArtifact @P'
            $no = Invoke-Answering No "$script -Confirm" @{ P = $publish }
            $no.Prompts.Count | Should -Be 1
            $no.Output.Count | Should -Be 0
            (Invoke-Answering No "`$ConfirmPreference = 'Medium'; $script" @{ P = $publish }).Prompts.Count | Should -Be 1
            Get-TreeSnapshot $target | Should -Be $before
            $three = $publish.Clone(); $three.Version = '3'
            $yes = Invoke-Answering No "`$ConfirmPreference = 'Medium'; $script -Confirm:`$false" @{ P = $three }
            $yes.Prompts.Count | Should -Be 0
            $yes.Errors.Count | Should -Be 0
            $yes.Output[0].Tag | Should -Be 'testos-3-amd64'
        }

        It '-WhatIf:$false publishes under $WhatIfPreference, with the digest -WhatIf promised; the second run reports Changed = $false' {
            $plan = Publish-NetbootArtifact @publish -WhatIf
            $real = & { $WhatIfPreference = $true; Publish-NetbootArtifact @publish -WhatIf:$false }
            $real.WhatIf | Should -BeFalse
            $real.Changed | Should -BeTrue
            $real.Digest | Should -Be $plan.Digest
            (Get-NetbootArtifact "oci:${target}:testos-2-amd64").Digest | Should -Be $plan.Digest
            (Publish-NetbootArtifact @publish).Changed | Should -BeFalse
        }
    }
}

Describe 'One failing artifact among three' -Tag 'Integration' {
    BeforeAll {
        foreach ($name in 'alpha', 'bravo', 'charlie') { $layout = New-TestLayout $TestDrive -Name $name -Version 1 }
        $artifacts = @(Get-NetbootArtifact $layout)
        # bravo's kernel is damaged on disk after publishing: same size, other bytes.
        $bravo = $artifacts | Where-Object Name -eq 'bravo'
        $kernel = $bravo.Files | Where-Object Name -eq 'vmlinuz'
        $blob = [IO.Path]::Combine($layout.Substring(4), 'blobs', 'sha256', $kernel.Digest.Split(':')[1])
        Set-ItemProperty $blob -Name IsReadOnly -Value $false
        $bytes = [IO.File]::ReadAllBytes($blob); $bytes[1000] = $bytes[1000] -bxor 0xff
        [IO.File]::WriteAllBytes($blob, $bytes)
    }

    It 'has three artifacts, bravo in the middle' {
        $artifacts.Name | Should -Be @('alpha', 'bravo', 'charlie')
    }

    It '-ErrorAction Continue: two results and one DigestMismatch error whose target and message name bravo' {
        $root = Join-Path $TestDrive 'continue'
        $results = @($artifacts | Save-NetbootArtifact -Destination $root -ErrorAction Continue -ErrorVariable err 2>$null)
        $results.Name | Should -Be @('alpha', 'charlie')
        $err.Count | Should -Be 1
        Get-ErrorId $err[0] | Should -Be 'DigestMismatch'
        $err[0].FullyQualifiedErrorId | Should -Be 'DigestMismatch,NetbootOci.Commands.SaveNetbootArtifactCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject.PSTypeNames[0] | Should -Be 'NetbootOci.NetbootArtifact'
        $err[0].TargetObject.Reference | Should -Be $bravo.Reference
        $err[0].Exception.Message | Should -Match 'bravo 1 amd64'
        $err[0].Exception.Message | Should -Match ([regex]::Escape($bravo.Reference))
        $err[0].Exception.Message | Should -Match 'vmlinuz'
        Test-Path (Join-Path $root 'bravo') | Should -BeFalse
        Test-Path (Join-Path $root 'charlie/1/amd64/vmlinuz') | Should -BeTrue
        # The target is the artifact, so the failure can be retried as it is.
        { $err[0].TargetObject | Save-NetbootArtifact -Destination $root -ErrorAction Stop } | Should -Throw -ErrorId 'DigestMismatch,*'
    }

    It '-ErrorAction Continue with -Reference (one call, three artifacts) names bravo too' {
        $results = @(Save-NetbootArtifact -Reference $layout -Destination (Join-Path $TestDrive 'by-reference') -ErrorAction Continue -ErrorVariable err 2>$null)
        $results.Name | Should -Be @('alpha', 'charlie')
        Get-ErrorId $err[0] | Should -Be 'DigestMismatch'
        $err[0].TargetObject.Name | Should -Be 'bravo'
    }

    It '-ErrorAction Stop: ends at bravo with the same id; charlie is not saved' {
        $root = Join-Path $TestDrive 'stop'
        $record = $null
        try { $artifacts | Save-NetbootArtifact -Destination $root -ErrorAction Stop | Out-Null } catch { $record = $_ }
        Get-ErrorId $record | Should -Be 'DigestMismatch'
        $record.TargetObject.Name | Should -Be 'bravo'
        $record.Exception.Message | Should -Match 'bravo 1 amd64'
        Test-Path (Join-Path $root 'alpha/1/amd64/vmlinuz') | Should -BeTrue
        Test-Path (Join-Path $root 'bravo') | Should -BeFalse
        Test-Path (Join-Path $root 'charlie') | Should -BeFalse
    }
}

Describe 'Error ids and categories are the README''s' -Tag 'Integration' {
    BeforeAll {
        # The README table, read at test time: id -> category.
        $categories = @{}
        $inTable = $false
        foreach ($line in Get-Content ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'README.md'))) {
            if ($line -match '^## ') { $inTable = $line -eq '## Error ids'; continue }
            if ($inTable -and $line -match '^\|\s*`(\w+)`\s*\|\s*(\w+)\s*\|') { $categories[$Matches[1]] = $Matches[2] }
        }
        $layout = New-TestLayout $TestDrive
        $files = Join-Path $TestDrive 'files-testos-1-amd64'
        $keys = New-TestKeyPair (Join-Path $TestDrive 'keys') 'P-521'
        # A cosign.key that no password opens: a well-formed envelope whose box was sealed with a random key.
        $random = { param($n) $b = New-Object byte[] $n; [Security.Cryptography.RandomNumberGenerator]::Create().GetBytes($b); [Convert]::ToBase64String($b) }
        $envelope = '{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"' + (& $random 32) + '"},"cipher":{"name":"nacl/secretbox","nonce":"' + (& $random 24) + '"},"ciphertext":"' + (& $random 200) + '"}'
        $cosignKey = Join-Path $TestDrive 'cosign.key'
        Set-Content $cosignKey ("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----`n" + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($envelope), 'InsertLineBreaks') + "`n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----")
        $corruptKey = Join-Path $TestDrive 'corrupt.pub'
        Set-Content $corruptKey "-----BEGIN PUBLIC KEY-----`nnot base64`n-----END PUBLIC KEY-----"
        $badInventory = Join-Path $TestDrive 'bad.yaml'
        Set-Content $badInventory "schemaVersion: 1`nnotAKnownSection: 1"
        $wrongPassword = ConvertTo-SecureString 'not-the-password' -AsPlainText -Force
    }

    It 'the README table lists the five ids' {
        foreach ($id in 'KeyPasswordWrong', 'KeyUnsupported', 'KeyInvalid', 'PathNotFound', 'InventoryInvalid') { $categories.Keys | Should -Contain $id }
    }

    It '<Id>: the cmdlet raises it with the README category' -ForEach @(
        @{ Id = 'KeyPasswordWrong'; Trigger = { Publish-NetbootArtifact -Path $files -Reference "oci:$(Join-Path $TestDrive 'signed')" -Name testos -Version 1 -Architecture amd64 -SigningKey $cosignKey -SigningKeyPassword $wrongPassword -ErrorAction Stop } }
        @{ Id = 'KeyUnsupported'; Trigger = { Get-NetbootArtifact $layout | Test-NetbootSignature -Key $keys.Public -ErrorAction Stop } }
        @{ Id = 'KeyInvalid'; Trigger = { Get-NetbootArtifact $layout | Test-NetbootSignature -Key $corruptKey -ErrorAction Stop } }
        @{ Id = 'PathNotFound'; Trigger = { Test-NetbootSignature -Reference "${layout}:testos-1-amd64" -Key (Join-Path $TestDrive 'no-such.pub') -ErrorAction Stop } }
        @{ Id = 'InventoryInvalid'; Trigger = { Get-NetbootArtifact -InventoryPath $badInventory -ErrorAction Stop } }
        # An id whose category an earlier version took from the layer that raised it (WriteError), not from the table.
        @{ Id = 'LinkConflict'; Trigger = {
                $root = Join-Path $TestDrive 'conflict'
                $saved = Get-NetbootArtifact $layout | Save-NetbootArtifact -Destination $root
                New-Item -ItemType Directory -Force (Join-Path $root 'boot') | Out-Null
                Set-Content (Join-Path $root 'boot/testos-vmlinuz') 'an admin''s own file'
                $saved | Set-NetbootLink -Name 'boot/{os}-{file}' -ErrorAction Stop } }
    ) {
        if ($Id -eq 'KeyUnsupported' -and -not $keys) { Set-ItResult -Skipped -Because 'neither openssl nor .NET key export is available to write a P-521 key'; return }
        $record = $null
        try { $null = & $Trigger } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty -Because "$Id must be raised"
        Get-ErrorId $record | Should -Be $Id
        $record.CategoryInfo.Category.ToString() | Should -Be $categories[$Id]
        $record.Exception.Message | Should -Not -BeNullOrEmpty
        $record.Exception.Message | Should -Not -Match '^\s+at |\r?\n\s+at '   # no stack trace
    }
}

Describe 'Stopping a large Save' -Tag 'Integration' -Skip:$noRegistry {
    BeforeAll {
        $registry = Start-TestRegistry $TestDrive
        $files = New-BootFiles (Join-Path $TestDrive 'big')
        New-BigFile (Join-Path $files.FullName 'squashfs.img') 300MB
        Publish-NetbootArtifact -Path $files.FullName -Reference "$($registry.Host)/big" -Name bigos -Version 1 -Architecture amd64 -EntryPoint shimx64.efi -PlainHttp | Out-Null
        $total = (Get-NetbootArtifact "$($registry.Host)/big:bigos-1-amd64" -PlainHttp).Size
        # 150 MB/s: the 300 MB blob takes about two seconds.
        $throttle = New-Object NetbootTestThrottle $registry.Port, 150MB
        $slow = "127.0.0.1:$($throttle.Port)/big:bigos-1-amd64"
        function Start-Save([string]$Reference, [string]$Root) {
            # One script, not a batch of statements: a stopped batch would go on to its next statement.
            $ps = [powershell]::Create()
            $null = $ps.AddScript('param($ModulePath, $Reference, $Root) Import-Module $ModulePath; Save-NetbootArtifact -Reference $Reference -Destination $Root -PlainHttp')
            $null = $ps.AddParameter('ModulePath', $ModulePath).AddParameter('Reference', $Reference).AddParameter('Root', $Root)
            [pscustomobject]@{ PowerShell = $ps; Async = $ps.BeginInvoke() }
        }
    }
    AfterAll { if ($throttle) { $throttle.Dispose() }; Stop-TestRegistry $registry }

    It 'Stop() one second in returns within 2 s, leaves no OS entry or partial file outside .netboot-oci, and the next run resumes' {
        $root = Join-Path $TestDrive 'stopped'
        $started = [Diagnostics.Stopwatch]::StartNew()
        $run = Start-Save $slow $root
        # One second in, and (on a loaded machine) at least into the large blob's transfer.
        while ($started.Elapsed.TotalSeconds -lt 10 -and -not ($run.PowerShell.Streams.Progress | Where-Object { $_.StatusDescription -match 'squashfs' -and $_.PercentComplete -gt 0 })) { Start-Sleep -Milliseconds 50 }
        if ($started.Elapsed.TotalSeconds -lt 1) { Start-Sleep -Milliseconds (1000 - $started.ElapsedMilliseconds) }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $run.PowerShell.Stop()
        $clock.Stop()
        $state = $run.PowerShell.InvocationStateInfo.State
        $run.PowerShell.Dispose()
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 2
        $state | Should -Be 'Stopped'
        Test-Path (Join-Path $root 'bigos') | Should -BeFalse
        @(Get-ChildItem $root -Force | Where-Object Name -ne '.netboot-oci').Count | Should -Be 0
        $partial = @(Get-ChildItem (Join-Path $root '.netboot-oci/tmp') -Filter '*.partial')
        $partial.Count | Should -Be 1
        $partial[0].Length | Should -BeGreaterThan 0
        $next = Save-NetbootArtifact -Reference "$($registry.Host)/big:bigos-1-amd64" -Destination $root -PlainHttp
        $next.Changed | Should -BeTrue
        $next.BytesDownloaded | Should -BeGreaterThan 0
        $next.BytesDownloaded | Should -BeLessThan ($total - $partial[0].Length + 1)
        (Get-FileHash (Join-Path $next.Path 'squashfs.img')).Hash | Should -Be (Get-FileHash (Join-Path $files.FullName 'squashfs.img')).Hash
    }

    It 'reports progress with PercentComplete while it downloads' {
        $run = Start-Save $slow (Join-Path $TestDrive 'progress')
        $null = $run.PowerShell.EndInvoke($run.Async)
        $progress = @($run.PowerShell.Streams.Progress)
        $errors = @($run.PowerShell.Streams.Error)
        $run.PowerShell.Dispose()
        $errors.Count | Should -Be 0
        $midway = @($progress | Where-Object { $_.PercentComplete -gt 0 -and $_.PercentComplete -lt 100 })
        $midway.Count | Should -BeGreaterThan 2
        $midway[0].StatusDescription | Should -Match '[KM]iB of'
        $percents = @($midway | Where-Object ActivityId -eq $midway[-1].ActivityId | ForEach-Object PercentComplete)
        $percents[-1] | Should -BeGreaterThan $percents[0]
        @($progress | Where-Object RecordType -eq 'Completed').Count | Should -BeGreaterThan 0
    }
}

Describe 'Select-Object -First stops the upstream cmdlet' -Tag 'Integration' -Skip:$noRegistry {
    BeforeAll {
        $registry = Start-TestRegistry $TestDrive
        $files = New-BootFiles (Join-Path $TestDrive 'files')
        $repositories = 1..5 | ForEach-Object { "$($registry.Host)/stream$_" }
        foreach ($r in $repositories) { Publish-NetbootArtifact -Path $files.FullName -Reference $r -Name testos -Version 1 -Architecture amd64 -PlainHttp | Out-Null }
        $accessLog = Join-Path $registry.Directory 'registry.out'
    }
    AfterAll { Stop-TestRegistry $registry }

    It 'Select-Object -First 1 stops Get-NetbootArtifact: the repositories after the first are never asked' {
        $before = @(Get-Content $accessLog).Count
        $first = Get-NetbootArtifact $repositories -PlainHttp | Select-Object -First 1
        $first.Repository | Should -Be "$($registry.Host)/stream1"
        Start-Sleep -Milliseconds 200
        $requests = @(Get-Content $accessLog | Select-Object -Skip $before)
        @($requests -match '/v2/stream1/').Count | Should -BeGreaterThan 0
        @($requests -match '/v2/stream[2-5]/').Count | Should -Be 0
        # The same for references piped in by value.
        $before = @(Get-Content $accessLog).Count
        ($repositories | Get-NetbootArtifact -PlainHttp | Select-Object -First 1).Repository | Should -Be "$($registry.Host)/stream1"
        Start-Sleep -Milliseconds 200
        @(Get-Content $accessLog | Select-Object -Skip $before) -match '/v2/stream[2-5]/' | Should -BeNullOrEmpty
        # Without the downstream stop all five are read.
        @(Get-NetbootArtifact $repositories -PlainHttp).Count | Should -Be 5
    }
}

Describe 'Save results stream' -Tag 'Integration' {
    It 'the first Save result reaches the next command before the last artifact is saved' {
        $layout = $null
        foreach ($name in 'alpha', 'bravo', 'charlie') { $layout = New-TestLayout (Join-Path $TestDrive 'streaming') -Name $name -Version 1 }
        $root = Join-Path $TestDrive 'streamed'
        $last = Join-Path $root 'charlie/1/amd64'
        $seen = @(Save-NetbootArtifact -Reference $layout -Destination $root | ForEach-Object {
            [pscustomobject]@{ Name = $_.Name; At = [DateTime]::UtcNow; LastDeployed = (Test-Path $last) }
        })
        $done = [DateTime]::UtcNow
        $seen.Name | Should -Be @('alpha', 'bravo', 'charlie')
        $seen[0].LastDeployed | Should -BeFalse
        $seen[2].LastDeployed | Should -BeTrue
        $seen[0].At | Should -BeLessThan $seen[2].At
        $seen[0].At | Should -BeLessThan $done
    }

    It 'Select-Object -First 1 after Save-NetbootArtifact -Reference: only the first artifact is deployed' {
        $layout = $null
        foreach ($name in 'alpha', 'bravo', 'charlie') { $layout = New-TestLayout (Join-Path $TestDrive 'first') -Name $name -Version 1 }
        $root = Join-Path $TestDrive 'first-only'
        (Save-NetbootArtifact -Reference $layout -Destination $root | Select-Object -First 1).Name | Should -Be 'alpha'
        Test-Path (Join-Path $root 'alpha/1/amd64/vmlinuz') | Should -BeTrue
        Test-Path (Join-Path $root 'bravo') | Should -BeFalse
        Test-Path (Join-Path $root 'charlie') | Should -BeFalse
    }
}

Describe 'No secret in any stream' -Tag 'Integration' -Skip:$noRegistry {
    BeforeAll {
        $user = 'netboot'
        $password = 'pw-' + [guid]::NewGuid().ToString('N')
        $registry = Start-TestRegistry $TestDrive -User $user -Password $password
        $credential = New-Object pscredential $user, (ConvertTo-SecureString $password -AsPlainText -Force)
        $wrong = New-Object pscredential $user, (ConvertTo-SecureString ($password + 'x') -AsPlainText -Force)
        $basic = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes("${user}:$password"))
        $files = New-BootFiles (Join-Path $TestDrive 'files')
        $keys = New-TestKeyPair (Join-Path $TestDrive 'keys')
    }
    AfterAll { Stop-TestRegistry $registry }

    It 'publish, list, verify, save and link with -Credential -Verbose -Debug: the password appears nowhere' {
        $reference = "$($registry.Host)/secret"
        $root = Join-Path $TestDrive 'tftp'
        $captured = & {
            $DebugPreference = 'Continue'   # -Debug asks (Inquire) on Windows PowerShell 5.1; this only shows
            Publish-NetbootArtifact -Path $files.FullName -Reference $reference -Name testos -Version 1 -Architecture amd64 -EntryPoint shimx64.efi -Credential $credential -PlainHttp -Verbose
            $artifact = Get-NetbootArtifact $reference -Credential $credential -PlainHttp -Verbose
            $artifact
            if ($keys) { $artifact | Test-NetbootSignature -Key $keys.Public -Detailed -Credential $credential -PlainHttp -Verbose }
            $artifact | Save-NetbootArtifact -Destination $root -Credential $credential -PlainHttp -Verbose | Set-NetbootLink -Name 'boot/{os}-{file}' -Verbose
            # A refused password must not be echoed either.
            Get-NetbootArtifact $reference -Credential $wrong -PlainHttp -Verbose -ErrorAction Continue
        } *>&1
        $text = ($captured | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { $_.ToString(); $_.Exception.ToString(); $_.TargetObject } else { $_ | Format-List * -Force | Out-String -Width 500 } }) -join "`n"
        $text | Should -Match 'testos'                          # something was captured
        @($captured | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 5
        @($captured | Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { Get-ErrorId $_ }) | Should -Contain 'AuthenticationFailed'
        $text.Contains($password) | Should -BeFalse
        $text.Contains($basic) | Should -BeFalse
        (($Error | ForEach-Object { $_.ToString() + $_.Exception.ToString() }) -join "`n").Contains($password) | Should -BeFalse
    }
}

Describe 'Default views at 120 columns' -Tag 'Integration' {
    BeforeAll {
        # Real-world widths: a long OS name and tag.
        $files = New-BootFiles (Join-Path $TestDrive 'files')
        $layout = Join-Path $TestDrive 'layout'
        $published = Publish-NetbootArtifact -Path $files.FullName -Reference "oci:$layout" -Name centos-stream -Version 9 -Architecture arm64 -EntryPoint shimx64.efi
        $artifact = Get-NetbootArtifact "oci:$layout"
        $saved = $artifact | Save-NetbootArtifact -Destination (Join-Path $TestDrive 'tftp')
        $links = @($saved | Set-NetbootLink -Name 'boot/{os}-{version}-{arch}-{file}' -MacAddress 52:54:00:12:34:56)
        $signature = $null
        $keys = New-TestKeyPair (Join-Path $TestDrive 'keys')
        if ($keys) { $signature = $artifact | Test-NetbootSignature -Key $keys.Public -Detailed }
        function Assert-Readable($Object, [hashtable]$Columns) {
            $table = $Object | Format-Table | Out-String -Width 120
            $lines = $table -split "`r?`n" | Where-Object { $_.Trim() }
            foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 120 -Because "'$line' fits 120 columns" }
            $header = $lines[0]
            foreach ($column in $Columns.Keys) {
                $header | Should -Match "\b$column\b"
                # The row shows the whole value, not an ellipsis.
                $lines[2] | Should -Match ('(^|\s)' + [regex]::Escape([string]$Columns[$column]) + '(\s|$)')
            }
            # Only the last column may be cut (its ellipsis ends the line): '...' on 5.1, U+2026 on 7.
            $lines | Should -Not -Match ('(\.\.\.|' + [char]0x2026 + ')\s')
            $list = $Object | Format-List | Out-String -Width 120
            foreach ($line in ($list -split "`r?`n")) { $line.Length | Should -BeLessOrEqual 120 }
            $table
        }
    }

    It 'NetbootArtifact' {
        $text = Assert-Readable $artifact @{ Name = 'centos-stream'; Version = '9'; Architecture = 'arm64'; Tag = 'centos-stream-9-arm64'; Format = $artifact.Format }
        $text | Should -Match ('sha256:' + $artifact.Digest.Substring(7, 12) + '\s')
    }

    It 'SaveResult' {
        $text = Assert-Readable $saved @{ Name = 'centos-stream'; Version = '9'; Architecture = 'arm64'; Changed = 'True' }
        $text | Should -Match ('sha256:' + $saved.Digest.Substring(7, 12))
    }

    It 'LinkResult: the name a client asks for, whole' {
        $hostLink = $links | Where-Object Name -eq 'host-config/52-54-00-12-34-56/shimx64.efi'
        Assert-Readable $hostLink @{ Changed = 'True'; Action = 'Created'; LinkType = $hostLink.LinkType; Name = $hostLink.Name } | Should -Match 'centos-stream/9/arm64/shimx64.efi'
        $alias = $links | Where-Object Name -eq 'boot/centos-stream-9-arm64-grubx64.efi'
        Assert-Readable $alias @{ Name = $alias.Name } | Out-Null
    }

    It 'PublishResult' {
        Assert-Readable $published @{ Tag = 'centos-stream-9-arm64'; IndexTag = 'centos-stream-9'; Changed = 'True' } | Out-Null
    }

    It 'SignatureResult' {
        if (-not $keys) { Set-ItResult -Skipped -Because 'neither openssl nor .NET key export is available to write a key'; return }
        $text = Assert-Readable $signature @{ Verified = 'False'; Artifact = 'layout:centos-stream-9-arm64' }
        $text | Should -Match 'no signature found'
    }
}
