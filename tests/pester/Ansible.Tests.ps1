# examples/ansible/library/netboot_sync.ps1 and README.md's Ansible block, driven by the REAL Ansible.Basic from
# the installed ansible-core, the way Ansible's PowerShell wrapper runs a module: Ansible.Basic compiled with
# Add-Type, the arguments as $complex_args, the module text in a fresh pipeline with ErrorActionPreference Stop,
# JSON on stdout, the exit code from the module. Each module run is a separate pwsh process. A last context runs
# the module through ansible-playbook itself (local connection, PowerShell shell, pipelining).
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $onWindows = [bool]$IsWindows
    $ansibleDir = $null
    if (-not $onWindows) {
        foreach ($line in @(& { try { ansible --version 2>$null } catch { } })) {
            if ($line -match 'ansible python module location = (.+)$') { $ansibleDir = $Matches[1].Trim() }
        }
        if (-not $ansibleDir -and (Test-Path /usr/lib/python3/dist-packages/ansible)) { $ansibleDir = '/usr/lib/python3/dist-packages/ansible' }
        if (-not $ansibleDir -and $env:CI -eq 'true') { throw 'ansible-core is not installed, but CI must run the Ansible tests (.ci/run installs it)' }
    }
    $noAnsible = -not $ansibleDir
    $noPlaybook = $noAnsible -or -not (Get-Command ansible-playbook -CommandType Application -ErrorAction Ignore)
}
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Repo = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', '..'))
    $script:ModuleParent = Split-Path -Parent (Resolve-Path $ModuleDir).Path
    $script:AnsibleBasic = $null
    foreach ($line in @(& { try { ansible --version 2>$null } catch { } })) {
        if ($line -match 'ansible python module location = (.+)$') { $script:AnsibleBasic = Join-Path $Matches[1].Trim() 'module_utils/csharp/Ansible.Basic.cs' }
    }
    if (-not $AnsibleBasic) { $script:AnsibleBasic = '/usr/lib/python3/dist-packages/ansible/module_utils/csharp/Ansible.Basic.cs' }

    # The wrapper's work for '#AnsibleRequires -CSharpUtil Ansible.Basic' (ansible-core executor/powershell/
    # module_powershell_wrapper.ps1 + module_wrapper.ps1), reduced to what a module can observe.
    $script:Harness = Join-Path $TestDrive 'ansible-harness.ps1'
    Set-Content -LiteralPath $Harness -Value @'
param([string]$ModulePath, [string]$ArgsPath, [string]$AnsibleBasic, [string]$CompileTo)
$ErrorActionPreference = 'Stop'
# 1. Compile Ansible.Basic as Add-CSharpType does on PowerShell 7: CORECLR and UNIX defined, PowerShell's
#    reference assemblies plus the ones its //AssemblyReference lines name, its //NoWarn warnings suppressed.
#    (Compiled once per test file with -CompileTo, then loaded by every module run: the same types, 3 s less.)
if ($AnsibleBasic -like '*.dll') { Add-Type -Path $AnsibleBasic }
else {
    $cs = [IO.File]::ReadAllText($AnsibleBasic)
    $refs = @(Get-ChildItem "$PSHOME/ref/*.dll" | ForEach-Object FullName) + [psobject].Assembly.Location
    foreach ($m in [regex]::Matches($cs, '//\s*AssemblyReference\s+-Type\s+([\w.]+)\s+-CLR\s+Core')) { $refs += ([type]$m.Groups[1].Value).Assembly.Location }
    $noWarn = @([regex]::Matches($cs, '//\s*NoWarn\s+-Name\s+(\w+)\s+-CLR\s+Core') | ForEach-Object { $_.Groups[1].Value })
    $compile = @{ TypeDefinition = $cs; ReferencedAssemblies = $refs; CompilerOptions = @('-define:CORECLR;UNIX', "-nowarn:$($noWarn -join ';')") }
    if ($CompileTo) { Add-Type @compile -OutputAssembly $CompileTo -OutputType Library; exit 0 }
    Add-Type @compile
}
# 2. The task's arguments (the args file's ANSIBLE_MODULE_ARGS) as the global hashtable $complex_args; the
#    module's $args stays empty, so AnsibleModule.Create reads $complex_args as under Ansible.
$complexArgs = (ConvertFrom-Json -InputObject ([IO.File]::ReadAllText($ArgsPath)) -AsHashtable).ANSIBLE_MODULE_ARGS
# 3. The module text in a new pipeline: ErrorActionPreference Stop, Write-Host sent to output, stdout captured;
#    print it, and exit with the module's $LASTEXITCODE (ExitJson 0, FailJson 1).
$ps = [PowerShell]::Create()
$ps.Runspace.SessionStateProxy.SetVariable('ErrorActionPreference', 'Stop')
$null = $ps.AddCommand('Set-Variable').AddParameters(@{ Name = 'complex_args'; Value = $complexArgs; Scope = 'Global' }).AddStatement()
$null = $ps.AddScript('Function Write-Host($msg) { Write-Output -InputObject $msg }').AddStatement()
$null = $ps.AddScript([IO.File]::ReadAllText($ModulePath)).AddStatement()
$out = [Console]::Out
$sb = [Text.StringBuilder]::new()
[Console]::SetOut([IO.StringWriter]::new($sb))
try { $output = $ps.Invoke() } finally { [Console]::SetOut($out) }
$sb.ToString()
if ($output.Count) { $output -join "`n" }
foreach ($e in $ps.Streams.Error) { [Console]::Error.WriteLine("$e") }
$rc = $ps.Runspace.SessionStateProxy.GetVariable('LASTEXITCODE')
if ($null -eq $rc) { $rc = [int]$ps.HadErrors }
exit $rc
'@

    $script:AnsibleBasicDll = Join-Path $TestDrive 'Ansible.Basic.dll'
    if (Test-Path $AnsibleBasic) {
        $c = Invoke-ChildProcess -FilePath $PowerShellExe -ArgumentList (@($PowerShellArgs) + @('-NoProfile', '-NonInteractive', '-File', $Harness, '', '', $AnsibleBasic, $AnsibleBasicDll))
        if ($c.ExitCode) { throw "Ansible.Basic.cs did not compile: $($c.StdOut) $($c.StdErr)" }
    }

    # One task: the args file the action plugin would send (its _ansible_* keys included), the module run as a
    # process, its stdout parsed as the single JSON document Ansible expects.
    function Invoke-AnsibleModule([string]$ModulePath, [hashtable]$Params, [switch]$Check, [hashtable]$Environment = @{}) {
        $moduleArgs = @{}
        foreach ($k in $Params.Keys) { $moduleArgs[$k] = $Params[$k] }
        $moduleArgs['_ansible_check_mode'] = [bool]$Check
        $moduleArgs['_ansible_diff'] = $true
        $moduleArgs['_ansible_no_log'] = $false
        $moduleArgs['_ansible_debug'] = $false
        $moduleArgs['_ansible_verbosity'] = 0
        $moduleArgs['_ansible_module_name'] = [IO.Path]::GetFileNameWithoutExtension($ModulePath)
        $moduleArgs['_ansible_version'] = '2.14.18'
        $moduleArgs['_ansible_keep_remote_files'] = $false
        $moduleArgs['_ansible_remote_tmp'] = '~/.ansible/tmp'
        $argsPath = Join-Path $TestDrive ("args-{0}.json" -f [guid]::NewGuid().ToString('n'))
        @{ ANSIBLE_MODULE_ARGS = $moduleArgs } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $argsPath
        $envVars = @{ PSModulePath = $ModuleParent }
        foreach ($k in $Environment.Keys) { $envVars[$k] = $Environment[$k] }
        $r = Invoke-ChildProcess -FilePath $PowerShellExe -Environment $envVars `
            -ArgumentList (@($PowerShellArgs) + @('-NoProfile', '-NonInteractive', '-File', $Harness, $ModulePath, $argsPath, $AnsibleBasicDll))
        $text = "exit $($r.ExitCode)`nstdout:`n$($r.StdOut)`nstderr:`n$($r.StdErr)"
        try { $json = $r.StdOut.Trim() | ConvertFrom-Json } catch { throw "the module's stdout is not one JSON document: $text" }
        [pscustomobject]@{ ExitCode = $r.ExitCode; Json = $json; Text = $text }
    }

    function New-ProxyInventory([string]$Path, [string]$Root, [string[]]$OperatingSystems) {
        $os = foreach ($o in $OperatingSystems) {
            $name, $version = $o -split '-', 2
            "  - name: $name", "    version: '$version'", '    architectures: [amd64]', '    registry: lab'
        }
        $lines = @('schemaVersion: 1', 'registries:', '  - name: lab', '    url: oci:layout', 'operatingSystems:') + $os +
            @('proxies:', '  - name: pxe1', "    root: $Root", "    operatingSystems: [$($OperatingSystems -join ', ')]", '    aliases:', "      - 'boot/{os}-{version}-{arch}-{file}'")
        Set-Content -LiteralPath $Path -Value $lines
        $lines
    }
}

Describe 'Ansible: examples/ansible and the README block under the real Ansible.Basic' -Tag 'Integration' {
    Context 'library/netboot_sync.ps1' -Skip:($onWindows -or $noAnsible) {
        BeforeAll {
            $module = Join-Path $Repo 'examples/ansible/library/netboot_sync.ps1'
            $site = Join-Path $TestDrive 'site'
            $null = New-Item -ItemType Directory $site
            $null = New-TestLayout $site -Name alpine -Version '3.20'
            $inventory = Join-Path $site 'site.yaml'
            $null = New-ProxyInventory $inventory -Root 'tftp' -OperatingSystems 'alpine-3.20'
            $entry = Join-Path $site 'tftp/alpine/3.20/amd64'
            $script:checkRun = $null
        }

        It 'check mode on a new proxy touches nothing' {
            $script:checkRun = Invoke-AnsibleModule $module @{ inventory = @($inventory) } -Check
            Test-Path (Join-Path $site 'tftp') | Should -BeFalse
        }

        It 'check mode on a new proxy reports what would change (changed, artifacts, diff) without failing' {
            $r = $script:checkRun
            $r.Json.PSObject.Properties.Name | Should -Not -Contain 'failed' -Because $r.Text
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $r.Json.changed | Should -BeTrue
            $r.Json.artifacts[0].path | Should -Be $entry
            $r.Json.artifacts[0].changed | Should -BeTrue
            $r.Json.artifacts[0].previous_digest | Should -BeNullOrEmpty
            $r.Json.diff.after.$entry | Should -Match '^sha256:'
        }

        It 'the first run deploys and reports changed, the links and a diff' {
            $r = Invoke-AnsibleModule $module @{ inventory = @($inventory) }
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $r.Json.changed | Should -BeTrue
            $r.Json.invocation.module_args.inventory | Should -Be @($inventory)
            (Get-FileHash "$entry/vmlinuz").Hash | Should -Be (Get-FileHash (Join-Path $site 'files-alpine-3.20-amd64/vmlinuz')).Hash
            $r.Json.artifacts[0].digest | Should -Match '^sha256:[0-9a-f]{64}$'
            $r.Json.artifacts[0].bytes_downloaded | Should -BeGreaterThan 7000000
            @($r.Json.links).link | Should -Contain (Join-Path $site 'tftp/boot/alpine-3.20-amd64-vmlinuz')
            (Get-Item (Join-Path $site 'tftp/boot/alpine-3.20-amd64-vmlinuz')).LinkType | Should -Be 'SymbolicLink'
            $r.Json.diff.before.PSObject.Properties.Name | Should -Contain $entry
            $r.Json.diff.after.$entry | Should -Be $r.Json.artifacts[0].digest
            @($r.Json.failures).Count | Should -Be 0
        }

        It 'the second run changes nothing (changed false)' {
            $r = Invoke-AnsibleModule $module @{ inventory = @($inventory) }
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $r.Json.changed | Should -BeFalse
            $r.Json.artifacts[0].changed | Should -BeFalse
            $r.Json.artifacts[0].previous_digest | Should -Be $r.Json.artifacts[0].digest
            @($r.Json.links).Count | Should -Be 0
        }

        It 'check mode on a synced proxy reports changed false' {
            $r = Invoke-AnsibleModule $module @{ inventory = @($inventory) } -Check
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $r.Json.changed | Should -BeFalse
        }

        It 'an OS missing from the registry fails with error_id ManifestNotFound; the others are synced' {
            $partial = Join-Path $site 'partial.yaml'
            $null = New-ProxyInventory $partial -Root 'tftp-partial' -OperatingSystems 'alpine-3.20', 'alpine-9.9'
            $r = Invoke-AnsibleModule $module @{ inventory = @($partial) }
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $r.Json.failed | Should -BeTrue
            $r.Json.error_id | Should -BeExactly 'ManifestNotFound'
            $r.Json.msg | Should -Match '^ManifestNotFound: .*alpine'
            $r.Json.failures[0].target | Should -Be 'alpine-9.9'
            $r.Json.changed | Should -BeTrue
            Test-Path (Join-Path $site 'tftp-partial/alpine/3.20/amd64/vmlinuz') | Should -BeTrue
        }

        It 'an unreachable registry fails with error_id RegistryUnreachable' {
            $down = Join-Path $site 'down.yaml'
            Set-Content -LiteralPath $down -Value @('schemaVersion: 1', 'registries:', '  - name: gone', "    url: http://127.0.0.1:$(Get-FreePort)",
                'operatingSystems:', '  - name: alpine', "    version: '3.20'", '    architectures: [amd64]', '    registry: gone', '    repository: netboot/alpine',
                'proxies:', '  - name: pxe1', '    root: tftp-down', '    operatingSystems: [alpine-3.20]')
            $r = Invoke-AnsibleModule $module @{ inventory = @($down) }
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $r.Json.failed | Should -BeTrue
            $r.Json.error_id | Should -BeExactly 'RegistryUnreachable'
            $r.Json.msg | Should -Match '^RegistryUnreachable: '
            $r.Json.changed | Should -BeFalse
        }

        It 'an invalid inventory fails with error_id InventoryInvalid and file:line:column in msg' {
            $bad = Join-Path $site 'bad.yaml'
            $lines = @(New-ProxyInventory $bad -Root 'tftp-bad' -OperatingSystems 'alpine-3.20') + '    colour: blue'
            Set-Content -LiteralPath $bad -Value $lines
            $r = Invoke-AnsibleModule $module @{ inventory = @($bad) }
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $r.Json.failed | Should -BeTrue
            $r.Json.error_id | Should -BeExactly 'InventoryInvalid'
            $r.Json.msg | Should -Match ([regex]::Escape("InventoryInvalid: ")) 
            $r.Json.msg | Should -Match ([regex]::Escape("${bad}:$($lines.Count):5: proxies[0]: unknown key 'colour'"))
            Test-Path (Join-Path $site 'tftp-bad') | Should -BeFalse
        }

        It 'Ansible.Basic checks the options: an unknown one fails before NetbootOci runs' {
            $r = Invoke-AnsibleModule $module @{ inventory = @($inventory); colour = 'blue' }
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $r.Json.failed | Should -BeTrue
            $r.Json.msg | Should -Match 'Unsupported parameters for \(netboot_sync\) module: colour'
        }

        It 'fails with a clear message when NetbootOci is not installed' {
            $empty = Join-Path $TestDrive 'no-modules'
            $null = New-Item -ItemType Directory -Force $empty
            $r = Invoke-AnsibleModule $module @{ inventory = @($inventory) } -Environment @{ PSModulePath = $empty }
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $r.Json.failed | Should -BeTrue
            $r.Json.msg | Should -Match '^NetbootOci is not installed on this host: '
        }
    }

    Context "README.md's Ansible block" -Skip:($onWindows -or $noAnsible) {
        BeforeAll {
            # The block after the paragraph that starts "Ansible (", as a module file.
            $module = Join-Path $TestDrive 'readme_netboot.ps1'
            Set-Content -LiteralPath $module -Value (Get-ReadmeBlock '^Ansible \(')
            $site = Join-Path $TestDrive 'readme-site'
            $null = New-Item -ItemType Directory $site
            $layout = New-TestLayout $site -Name alpine -Version '3.20'
            $dest = Join-Path $site 'tftp'
        }

        It 'is an Ansible.Basic module' {
            Get-Content -Raw $module | Should -Match '(?m)^#AnsibleRequires -CSharpUtil Ansible\.Basic'
        }

        It 'check mode reports changed and writes nothing' {
            $r = Invoke-AnsibleModule $module @{ reference = $layout; destination = $dest } -Check
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $r.Json.changed | Should -BeTrue
            $r.Json.artifacts[0].Name | Should -Be 'alpine'
            $r.Json.artifacts[0].Changed | Should -BeTrue
            Test-Path $dest | Should -BeFalse
        }

        It 'deploys (changed true), then changes nothing (changed false)' {
            $first = Invoke-AnsibleModule $module @{ reference = $layout; destination = $dest }
            $first.ExitCode | Should -Be 0 -Because $first.Text
            $first.Json.changed | Should -BeTrue
            Test-Path (Join-Path $dest 'alpine/3.20/amd64/vmlinuz') | Should -BeTrue
            $second = Invoke-AnsibleModule $module @{ reference = $layout; destination = $dest }
            $second.ExitCode | Should -Be 0 -Because $second.Text
            $second.Json.changed | Should -BeFalse
            $second.Json.artifacts[0].PreviousDigest | Should -Be $first.Json.artifacts[0].Digest
        }

        It 'a missing tag fails with error_id ManifestNotFound and a msg naming it' {
            $r = Invoke-AnsibleModule $module @{ reference = "${layout}:nope"; destination = $dest }
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $r.Json.failed | Should -BeTrue
            $r.Json.error_id | Should -BeExactly 'ManifestNotFound'
            $r.Json.msg | Should -Match "^ManifestNotFound: .*'nope'"
        }
    }

    Context 'through ansible-playbook (local connection, PowerShell shell, pipelining)' -Skip:($onWindows -or $noPlaybook) {
        BeforeAll {
            # ansible-core 2.14 starts `PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand`
            # and pipes the module payload (exec wrapper, Ansible.Basic source, $complex_args) into it; a
            # `PowerShell` on PATH that runs this pwsh stands in for the Windows host's powershell.exe.
            $bin = Join-Path $TestDrive 'bin'
            $null = New-Item -ItemType Directory $bin
            $shim = Join-Path $bin 'PowerShell'
            $prefix = ($PowerShellArgs | ForEach-Object { "'$_'" }) -join ' '
            Set-Content -LiteralPath $shim -Value "#!/bin/sh`nexec '$($PowerShellExe)' $prefix `"`$@`""
            & chmod +x $shim

            # The local connection takes a module file of any extension (ssh, psrp and winrm prefer .ps1 for a
            # PowerShell shell), so the library holds the example's .ps1 without its .py documentation stub.
            $library = Join-Path $TestDrive 'library'
            $null = New-Item -ItemType Directory $library
            Copy-Item (Join-Path $Repo 'examples/ansible/library/netboot_sync.ps1') $library

            $site = Join-Path $TestDrive 'play-site'
            $null = New-Item -ItemType Directory $site
            $null = New-TestLayout $site -Name alpine -Version '3.20'
            $null = New-ProxyInventory (Join-Path $site 'site.yaml') -Root 'tftp' -OperatingSystems 'alpine-3.20'
            $null = New-ProxyInventory (Join-Path $site 'check.yaml') -Root 'tftp-check' -OperatingSystems 'alpine-3.20'
            $null = New-ProxyInventory (Join-Path $site 'partial.yaml') -Root 'tftp-partial' -OperatingSystems 'alpine-3.20', 'alpine-9.9'
            $results = Join-Path $site 'results.json'
            Set-Content -LiteralPath (Join-Path $site 'hosts.yml') -Value @"
all:
  hosts:
    proxy:
      ansible_connection: local
      ansible_shell_type: powershell
    controller:
      ansible_connection: local
      ansible_python_interpreter: /usr/bin/python3
"@
            Set-Content -LiteralPath (Join-Path $site 'play.yml') -Value @"
- hosts: proxy
  gather_facts: false
  tasks:
    - { name: check a new proxy, netboot_sync: { inventory: ['$site/check.yaml'] }, check_mode: true, register: check, ignore_errors: true }
    - { name: first sync, netboot_sync: { inventory: ['$site/site.yaml'] }, register: first }
    - { name: second sync, netboot_sync: { inventory: ['$site/site.yaml'] }, register: second }
    - { name: a missing OS, netboot_sync: { inventory: ['$site/partial.yaml'] }, register: partial, ignore_errors: true }
- hosts: controller
  gather_facts: false
  tasks:
    - ansible.builtin.copy:
        dest: '$results'
        content: "{{ {'check': hostvars.proxy.check, 'first': hostvars.proxy.first, 'second': hostvars.proxy.second, 'partial': hostvars.proxy.partial} | to_json }}"
"@
            $path = "${bin}:$env:PATH"
            $run = Invoke-ChildProcess -FilePath 'ansible-playbook' -ArgumentList '-i', (Join-Path $site 'hosts.yml'), (Join-Path $site 'play.yml') -TimeoutSeconds 300 -Environment @{
                PATH = $path; PSModulePath = $ModuleParent; ANSIBLE_PIPELINING = 'True'; TEMP = "$TestDrive"
                ANSIBLE_LIBRARY = $library
                ANSIBLE_LOCAL_TEMP = (Join-Path $TestDrive 'ansible-local'); ANSIBLE_HOME = (Join-Path $TestDrive 'ansible-home'); ANSIBLE_NOCOLOR = '1'
            }
            $playText = "exit $($run.ExitCode)`n$($run.StdOut)`n$($run.StdErr)"
            $play = $null
            if (Test-Path $results) { $play = Get-Content -Raw $results | ConvertFrom-Json }
        }

        It 'runs the play' {
            $run.ExitCode | Should -Be 0 -Because $playText
            $play | Should -Not -BeNullOrEmpty -Because $playText
        }

        It 'check mode on a new proxy reports what would change and touches nothing' {
            Test-Path (Join-Path $site 'tftp-check') | Should -BeFalse
            $play.check.failed | Should -Not -BeTrue -Because ($play.check | ConvertTo-Json -Depth 5)
            @($play.check.failures).Count | Should -Be 0
            @($play.check.links).Count | Should -BeGreaterThan 0   # the links it would make, planned from what Save would deploy
            $play.check.changed | Should -BeTrue
            $play.check.artifacts[0].changed | Should -BeTrue
        }

        It 'changed is true on the first sync and false on the second' {
            $play.first.changed | Should -BeTrue
            Test-Path (Join-Path $site 'tftp/alpine/3.20/amd64/vmlinuz') | Should -BeTrue
            $play.second.changed | Should -BeFalse
        }

        It 'a failure reaches Ansible as failed with error_id' {
            $play.partial.failed | Should -BeTrue
            $play.partial.error_id | Should -BeExactly 'ManifestNotFound'
            $play.partial.msg | Should -Match '^ManifestNotFound: '
        }
    }
}
