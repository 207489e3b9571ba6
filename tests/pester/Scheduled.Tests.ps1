# examples/scheduled/netboot-sync.ps1 run the way a systemd unit runs it: a separate pwsh process, the module found
# by name through PSModulePath (the built output folder's parent), against an OCI layout and a real registry.
# Each run gets -InventoryPath/-LogPath/-StatePath/-LockPath in TestDrive; the defaults are checked without writing
# to /etc or /var.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $onWindows = [bool]$IsWindows
    $noRegistry = $true
    if (-not $onWindows) { $noRegistry = -not (Test-RegistryAvailable) }
}
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Script = [IO.Path]::Combine($PSScriptRoot, '..', '..', 'examples', 'scheduled', 'netboot-sync.ps1')
    $script:ModuleParent = Split-Path -Parent (Resolve-Path $ModuleDir).Path
    $script:PwshHome = Join-Path $TestDrive 'home'
    $null = New-Item -ItemType Directory -Force $PwshHome

    # One scheduled run: pwsh -NoProfile -NonInteractive -File netboot-sync.ps1 ..., as netboot-sync.service would start it.
    function Invoke-Sync([string]$Dir, [string]$Inventory, [string[]]$Extra = @(), [hashtable]$Environment = @{}) {
        $argv = @($PowerShellArgs) + @('-NoProfile', '-NonInteractive', '-File', $Script)
        if ($Inventory) { $argv += @('-InventoryPath', $Inventory) }
        if ($Dir) { $argv += @('-LogPath', "$Dir/log/sync.log", '-StatePath', "$Dir/state/last-sync.json", '-LockPath', "$Dir/lock/netboot-sync.lock") }
        # The environment netboot-sync.service gives it (the commented PowerShell lines): the module folder's
        # parent on PSModulePath and a writable HOME for pwsh's own cache.
        $envVars = @{ PSModulePath = $ModuleParent; HOME = $PwshHome; XDG_CACHE_HOME = $null; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; POWERSHELL_TELEMETRY_OPTOUT = '1' }
        foreach ($k in $Environment.Keys) { $envVars[$k] = $Environment[$k] }
        $r = Invoke-ChildProcess -FilePath $PowerShellExe -ArgumentList ($argv + $Extra) -Environment $envVars
        $r | Add-Member -NotePropertyName Text -NotePropertyValue "exit $($r.ExitCode)`nstdout:`n$($r.StdOut)`nstderr:`n$($r.StdErr)" -PassThru
    }
    function Read-State([string]$Dir) { Get-Content -Raw "$Dir/state/last-sync.json" | ConvertFrom-Json }
    function Read-Log([string]$Dir) { Get-Content -Raw "$Dir/log/sync.log" }

    # A pwsh that holds the lock the way the script takes it (FileShare.None) until the test kills it.
    function Start-LockHolder([string]$LockPath) {
        $psi = [Diagnostics.ProcessStartInfo]::new($PowerShellExe)
        foreach ($a in @($PowerShellArgs) + @('-NoProfile', '-NonInteractive', '-Command',
                "`$ErrorActionPreference = 'Stop'; `$null = New-Item -ItemType Directory -Force (Split-Path '$LockPath'); `$f = [IO.File]::Open('$LockPath', 'OpenOrCreate', 'ReadWrite', 'None'); 'locked'; Start-Sleep 60")) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false; $psi.RedirectStandardOutput = $true
        $p = [Diagnostics.Process]::Start($psi)
        $line = $p.StandardOutput.ReadLine()
        if ($line -ne 'locked') { $p.Kill($true); throw "the lock holder did not take $LockPath" }
        $p
    }

    function New-SiteInventory([string]$Path, [string[]]$Registries, [string[]]$OperatingSystems, [string[]]$Proxy) {
        # Returns the lines written, so tests can name line numbers.
        $lines = @('schemaVersion: 1', 'registries:') + $Registries + @('operatingSystems:') + $OperatingSystems + @('proxies:') + $Proxy
        Set-Content -LiteralPath $Path -Value $lines
        $lines
    }
}

Describe 'examples/scheduled/netboot-sync.ps1 run as a process' -Tag 'Integration' {
    Context 'against an OCI image layout' -Skip:$onWindows {
        BeforeAll {
            $site = Join-Path $TestDrive 'site'
            $null = New-Item -ItemType Directory $site
            $null = New-TestLayout $site -Name alpine -Version '3.20'
            $inventory = Join-Path $site 'site.yaml'
            $lines = New-SiteInventory $inventory -Registries '  - name: lab', '    url: oci:layout' `
                -OperatingSystems '  - name: alpine', "    version: '3.20'", '    architectures: [amd64]', '    registry: lab' `
                -Proxy '  - name: pxe1', '    root: tftp', '    operatingSystems: [alpine-3.20]', '    aliases:', "      - 'boot/{os}-{version}-{arch}-{file}'"
            $state = Join-Path $TestDrive 'run'
        }

        It 'deploys on the first run: exit 0, the tree and links, a state file with counts, log lines' {
            $r = Invoke-Sync $state $inventory
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $r.StdOut | Should -Match '(?m)^OK: '
            $entry = Join-Path $site 'tftp/alpine/3.20/amd64'
            foreach ($f in 'shimx64.efi', 'grubx64.efi', 'vmlinuz', 'initrd.img') {
                (Get-FileHash "$entry/$f").Hash | Should -Be (Get-FileHash (Join-Path $site "files-alpine-3.20-amd64/$f")).Hash
            }
            $alias = Get-Item (Join-Path $site 'tftp/boot/alpine-3.20-amd64-vmlinuz')
            $alias.LinkType | Should -Be 'SymbolicLink'
            (Get-FileHash $alias.FullName).Hash | Should -Be (Get-FileHash "$entry/vmlinuz").Hash

            $s = Read-State $state
            $s.succeeded | Should -BeTrue
            $s.artifacts | Should -Be 1
            $s.artifactsChanged | Should -Be 1
            $s.artifactsFailed | Should -Be 0
            $s.linksChanged | Should -BeGreaterThan 3
            @($s.changed) | Should -Be @($entry)
            @($s.failures).Count | Should -Be 0
            $log = Read-Log $state
            $log | Should -Match ([regex]::Escape("start: $inventory"))
            $log | Should -Match ([regex]::Escape("changed: $entry"))
            $log | Should -Match 'netboot-sync\[\d+\]: end: exit 0: 1 artifact\(s\), 1 changed, 0 failed'
        }

        It 'changes nothing on the second run (exit 0, zero counts, files untouched)' {
            $vmlinuz = Get-Item (Join-Path $site 'tftp/alpine/3.20/amd64/vmlinuz')
            $before = $vmlinuz.LastWriteTimeUtc
            $r = Invoke-Sync $state $inventory
            $r.ExitCode | Should -Be 0 -Because $r.Text
            $s = Read-State $state
            $s.succeeded | Should -BeTrue
            $s.artifactsChanged | Should -Be 0
            $s.artifactsUnchanged | Should -Be 1
            $s.linksChanged | Should -Be 0
            (Get-Item $vmlinuz.FullName).LastWriteTimeUtc | Should -Be $before
            @([regex]::Matches((Read-Log $state), 'end: exit 0:')).Count | Should -Be 2
        }

        It '-WhatIf reports a new version and changes nothing (no tree, no log line, same state)' {
            $null = New-TestLayout $site -Name alpine -Version '3.21'
            $next = Join-Path $site 'next.yaml'
            $null = New-SiteInventory $next -Registries '  - name: lab', '    url: oci:layout' `
                -OperatingSystems '  - name: alpine', "    version: '3.21'", '    architectures: [amd64]', '    registry: lab' `
                -Proxy '  - name: pxe1', '    root: tftp', '    operatingSystems: [alpine-3.21]', '    aliases:', "      - 'boot/{os}-{version}-{arch}-{file}'"
            $log = Read-Log $state
            $stateText = Get-Content -Raw "$state/state/last-sync.json"
            $script:whatIfNew = Invoke-Sync $state $next -Extra '-WhatIf'
            $r = $script:whatIfNew
            $r.StdOut | Should -Match ([regex]::Escape("would change: $(Join-Path $site 'tftp/alpine/3.21/amd64') (new) -> sha256:")) -Because $r.Text
            $r.StdOut | Should -Match 'What if: '
            Test-Path (Join-Path $site 'tftp/alpine/3.21') | Should -BeFalse
            Test-Path (Join-Path $site 'tftp/boot/alpine-3.21-amd64-vmlinuz') | Should -BeFalse
            Read-Log $state | Should -BeExactly $log
            Get-Content -Raw "$state/state/last-sync.json" | Should -BeExactly $stateText
        }

        It '-WhatIf on a machine that never synced creates nothing at all' {
            $freshInventory = Join-Path $site 'fresh.yaml'
            $null = New-SiteInventory $freshInventory -Registries '  - name: lab', '    url: oci:layout' `
                -OperatingSystems '  - name: alpine', "    version: '3.20'", '    architectures: [amd64]', '    registry: lab' `
                -Proxy '  - name: pxe1', '    root: tftp-fresh', '    operatingSystems: [alpine-3.20]', '    aliases:', "      - 'boot/{os}-{version}-{arch}-{file}'"
            $fresh = Join-Path $TestDrive 'fresh'
            $script:whatIfFresh = Invoke-Sync $fresh $freshInventory -Extra '-WhatIf'
            $r = $script:whatIfFresh
            $r.StdOut | Should -Match ([regex]::Escape("would change: $(Join-Path $site 'tftp-fresh/alpine/3.20/amd64') (new) -> sha256:")) -Because $r.Text
            Test-Path $fresh | Should -BeFalse
            Test-Path (Join-Path $site 'tftp-fresh') | Should -BeFalse
        }

        It '-WhatIf exits 0 like the real run would, for a new version and for a new machine (links planned for entries not yet deployed)' {
            $script:whatIfNew.ExitCode | Should -Be 0 -Because $script:whatIfNew.Text
            $script:whatIfFresh.ExitCode | Should -Be 0 -Because $script:whatIfFresh.Text
        }

        It 'exits 1 when one OS has no tag, and syncs the others' {
            $partial = Join-Path $site 'partial.yaml'
            $null = New-SiteInventory $partial -Registries '  - name: lab', '    url: oci:layout' `
                -OperatingSystems '  - name: alpine', "    version: '3.20'", '    architectures: [amd64]', '    registry: lab',
                                  '  - name: alpine', "    version: '9.9'", '    architectures: [amd64]', '    registry: lab' `
                -Proxy '  - name: pxe1', '    root: tftp-partial', '    operatingSystems: [alpine-3.20, alpine-9.9]'
            $run = Join-Path $TestDrive 'partial-run'
            $r = Invoke-Sync $run $partial
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $r.StdOut | Should -Match '(?m)^WARNING: 1 failure\(s\); the rest were synced'
            (Get-FileHash (Join-Path $site 'tftp-partial/alpine/3.20/amd64/initrd.img')).Hash | Should -Be (Get-FileHash (Join-Path $site 'files-alpine-3.20-amd64/initrd.img')).Hash
            Test-Path (Join-Path $site 'tftp-partial/alpine/9.9') | Should -BeFalse
            $s = Read-State $run
            $s.succeeded | Should -BeFalse
            $s.artifacts | Should -Be 2
            $s.artifactsChanged | Should -Be 1
            $s.artifactsFailed | Should -Be 1
            @($s.failures).Count | Should -Be 1
            $s.failures[0].errorId | Should -Be 'ManifestNotFound'
            $s.failures[0].target | Should -Be 'alpine-9.9'
            Read-Log $run | Should -Match 'failed: ManifestNotFound: .*alpine-9\.9'
            Read-Log $run | Should -Match 'end: exit 1: 2 artifact\(s\), 1 changed, 1 failed'
        }

        It 'exits 2 on an invalid inventory: nothing touched, every error as file:line:column in the log' {
            $bad = Join-Path $site 'bad.yaml'
            $lines = New-SiteInventory $bad -Registries '  - name: lab', '    url: oci:layout' `
                -OperatingSystems '  - name: alpine', "    version: '3.20'", '    architectures: [amd64]', '    registry: lab' `
                -Proxy '  - name: pxe1', '    root: tftp-new', '    operatingSystems: [alpine-3.20]', '    colour: blue', '    hosts:', '      - mac: zz', '        os: alpine-3.20'
            $colour = [array]::IndexOf($lines, '    colour: blue') + 1
            $mac = [array]::IndexOf($lines, '      - mac: zz') + 1
            $stateText = Get-Content -Raw "$state/state/last-sync.json"
            $r = Invoke-Sync $state $bad
            $r.ExitCode | Should -Be 2 -Because $r.Text
            $r.StdOut | Should -Match '(?m)^CRITICAL: InventoryInvalid'
            $log = Read-Log $state
            $log | Should -Match ([regex]::Escape("invalid: ${bad}:${colour}:5: proxies[0]: unknown key 'colour'"))
            $log | Should -Match ([regex]::Escape("invalid: ${bad}:${mac}:14: proxies[0].hosts[0].mac: 'zz' is not a MAC address"))
            $log | Should -Match 'end: exit 2: InventoryInvalid'
            Test-Path (Join-Path $site 'tftp-new') | Should -BeFalse
            Get-Content -Raw "$state/state/last-sync.json" | Should -BeExactly $stateText
        }

        It 'exits 3 while another process holds the lock, and runs again once it is released' {
            $lock = "$state/lock/netboot-sync.lock"
            $holder = Start-LockHolder $lock
            try {
                $r = Invoke-Sync $state $inventory
                $r.ExitCode | Should -Be 3 -Because $r.Text
                $r.StdOut | Should -Match '(?m)^UNKNOWN: another netboot sync is still running'
                Read-Log $state | Should -Match ([regex]::Escape("another sync holds $lock; skipped"))
                # -WhatIf also says a real run would be skipped.
                (Invoke-Sync $state $inventory -Extra '-WhatIf').ExitCode | Should -Be 3
            }
            finally { $holder.Kill($true); $holder.WaitForExit() }
            $again = Invoke-Sync $state $inventory
            $again.ExitCode | Should -Be 0 -Because $again.Text
        }

        It 'shares the lock with netboot-sync.sh (flock on the same file)' {
            if (-not (Get-Command flock -CommandType Application -ErrorAction Ignore)) { Set-ItResult -Skipped -Because 'flock (util-linux) is not installed'; return }
            $lock = "$state/lock/netboot-sync.lock"
            # netboot-sync.sh holding it: this script is skipped.
            $flock = Start-Process flock -ArgumentList $lock, 'sleep', '30' -PassThru
            try {
                Start-Sleep -Milliseconds 500
                $r = Invoke-Sync $state $inventory
                $r.ExitCode | Should -Be 3 -Because $r.Text
            }
            finally { $flock.Kill($true); $flock.WaitForExit() }   # with its sleep, which holds the descriptor too
            # This script holding it (the same FileShare.None open as the script's): flock -n is refused.
            $holder = Start-LockHolder $lock
            try { & flock -n $lock true; $LASTEXITCODE | Should -Be 1 }
            finally { $holder.Kill($true); $holder.WaitForExit() }
        }

        It 'exits 2 when the module cannot be loaded' {
            $empty = Join-Path $TestDrive 'no-modules'
            $null = New-Item -ItemType Directory -Force $empty
            $r = Invoke-Sync $state $inventory -Environment @{ PSModulePath = $empty }
            $r.ExitCode | Should -Be 2 -Because $r.Text
            $r.StdOut | Should -Match '(?m)^CRITICAL: NetbootOci module not available'
            Read-Log $state | Should -Match 'cannot load NetbootOci: '
        }
    }

    Context 'against a real registry' -Skip:($onWindows -or $noRegistry) {
        BeforeAll {
            $registry = Start-TestRegistry $TestDrive
            $files = New-BootFiles (Join-Path $TestDrive 'regfiles')
            Publish-NetbootArtifact -Path $files.FullName -Reference "$($registry.Host)/netboot/alpine" -Name alpine -Version '3.20' -Architecture amd64 -EntryPoint shimx64.efi -PlainHttp | Out-Null
            $site = Join-Path $TestDrive 'regsite'
            $null = New-Item -ItemType Directory $site
            $inventory = Join-Path $site 'site.yaml'
            $null = New-SiteInventory $inventory -Registries '  - name: lab', "    url: http://$($registry.Host)" `
                -OperatingSystems '  - name: alpine', "    version: '3.20'", '    architectures: [amd64]', '    registry: lab', '    repository: netboot/alpine' `
                -Proxy '  - name: pxe1', '    root: tftp', '    operatingSystems: [alpine-3.20]', '    aliases:', "      - 'boot/{os}-{version}-{arch}-{file}'"
            $state = Join-Path $TestDrive 'regrun'
        }
        AfterAll { Stop-TestRegistry $registry }

        It 'deploys from the registry (exit 0, bytes counted)' {
            $r = Invoke-Sync $state $inventory
            $r.ExitCode | Should -Be 0 -Because $r.Text
            (Get-FileHash (Join-Path $site 'tftp/alpine/3.20/amd64/initrd.img')).Hash | Should -Be (Get-FileHash (Join-Path $files.FullName 'initrd.img')).Hash
            $s = Read-State $state
            $s.artifactsChanged | Should -Be 1
            $s.bytesDownloaded | Should -BeGreaterThan 7000000
        }

        It 'exits 1 while the registry is down and keeps what was deployed' {
            Stop-TestRegistry $registry
            $registry.Process.WaitForExit()
            $r = Invoke-Sync $state $inventory
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $s = Read-State $state
            $s.succeeded | Should -BeFalse
            @($s.failures | ForEach-Object { $_.errorId }) | Should -Be @('RegistryUnreachable')
            $s.artifactsChanged | Should -Be 0
            (Get-FileHash (Join-Path $site 'tftp/alpine/3.20/amd64/initrd.img')).Hash | Should -Be (Get-FileHash (Join-Path $files.FullName 'initrd.img')).Hash
            (Get-Item (Join-Path $site 'tftp/boot/alpine-3.20-amd64-vmlinuz')).LinkType | Should -Be 'SymbolicLink'
        }
    }

    Context "README.md's scheduled-script block" -Skip:$onWindows {
        BeforeAll {
            $block = Join-Path $TestDrive 'readme-sync.ps1'
            Set-Content -LiteralPath $block -Value (Get-ReadmeBlock '^Scheduled script \(')
            $site = Join-Path $TestDrive 'readme-site'
            $null = New-Item -ItemType Directory $site
            $null = New-TestLayout $site -Name alpine -Version '3.20'
            function Invoke-Block([string]$Inventory) {
                $r = Invoke-ChildProcess -FilePath $PowerShellExe -Environment @{ PSModulePath = $ModuleParent } `
                    -ArgumentList (@($PowerShellArgs) + @('-NoProfile', '-NonInteractive', '-File', $block, '-InventoryPath', $Inventory))
                $r | Add-Member -NotePropertyName Text -NotePropertyValue "exit $($r.ExitCode)`n$($r.StdOut)`n$($r.StdErr)" -PassThru
            }
        }

        It 'syncs (exit 0), reports one failing OS (exit 1), and refuses an invalid inventory (exit 2)' {
            $good = Join-Path $site 'good.yaml'
            $null = New-SiteInventory $good -Registries '  - name: lab', '    url: oci:layout' `
                -OperatingSystems '  - name: alpine', "    version: '3.20'", '    architectures: [amd64]', '    registry: lab' `
                -Proxy '  - name: pxe1', '    root: tftp', '    operatingSystems: [alpine-3.20]', '    aliases:', "      - 'boot/{os}-{version}-{arch}-{file}'"
            $r = Invoke-Block $good
            $r.ExitCode | Should -Be 0 -Because $r.Text
            Test-Path (Join-Path $site 'tftp/alpine/3.20/amd64/vmlinuz') | Should -BeTrue
            (Get-Item (Join-Path $site 'tftp/boot/alpine-3.20-amd64-vmlinuz')).LinkType | Should -Be 'SymbolicLink'

            $partial = Join-Path $site 'partial.yaml'
            $null = New-SiteInventory $partial -Registries '  - name: lab', '    url: oci:layout' `
                -OperatingSystems '  - name: alpine', "    version: '3.20'", '    architectures: [amd64]', '    registry: lab',
                                  '  - name: alpine', "    version: '9.9'", '    architectures: [amd64]', '    registry: lab' `
                -Proxy '  - name: pxe1', '    root: tftp', '    operatingSystems: [alpine-3.20, alpine-9.9]'
            $r = Invoke-Block $partial
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $r.StdOut | Should -Match 'failed: ManifestNotFound: '

            $bad = Join-Path $site 'bad.yaml'
            Set-Content -LiteralPath $bad -Value ((Get-Content $good) + '    colour: blue')
            $r = Invoke-Block $bad
            $r.ExitCode | Should -Be 2 -Because $r.Text
            $r.StdOut | Should -Match "(?s)CRITICAL: The inventory has 1 error.*:5: proxies\[0\]: unknown key 'colour'"
        }
    }

    Context 'defaults' -Skip:$onWindows {
        BeforeAll {
            # The param block's default expressions, evaluated in order in a child pwsh (as the script would),
            # without running the script: nothing is written under /etc or /var.
            $ast = [Management.Automation.Language.Parser]::ParseFile((Resolve-Path $Script).Path, [ref]$null, [ref]$null)
            $assign = foreach ($p in $ast.ParamBlock.Parameters) {
                if ($p.DefaultValue) { '${0} = {1}' -f $p.Name.VariablePath.UserPath, $p.DefaultValue.Extent.Text }
            }
            $probe = ($assign -join "`n") + "`n[ordered]@{ InventoryPath = @(`$InventoryPath); LogPath = `$LogPath; StatePath = `$StatePath; LockPath = `$LockPath } | ConvertTo-Json -Compress"
            function Get-Defaults([hashtable]$Environment) {
                $r = Invoke-ChildProcess -FilePath $PowerShellExe -ArgumentList (@($PowerShellArgs) + @('-NoProfile', '-NonInteractive', '-Command', $probe)) -Environment $Environment
                if ($r.ExitCode) { throw $r.StdErr }
                $r.StdOut | ConvertFrom-Json
            }
        }

        It 'uses the FHS places on Linux' {
            $d = Get-Defaults @{ OS = $null }
            @($d.InventoryPath) | Should -Be @('/etc/netboot-oci/site.yaml')
            $d.LogPath | Should -Be '/var/log/netboot-oci/sync.log'
            $d.StatePath | Should -Be '/var/lib/netboot-oci/last-sync.json'
            $expectedLock = if (Test-Path /run/lock -PathType Container) { '/run/lock/netboot-sync.lock' } elseif (Test-Path /var/lock -PathType Container) { '/var/lock/netboot-sync.lock' } else { '/var/lib/netboot-oci/sync.lock' }
            $d.LockPath | Should -Be $expectedLock
            # The lock is the one netboot-sync.sh takes, so the two never run at once.
            (Get-Content -Raw ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'examples', 'scheduled', 'netboot-sync.sh'))) | Should -Match 'NETBOOT_SYNC_LOCK:-/run/lock/netboot-sync\.lock'
        }

        It 'uses ProgramData on Windows' {
            $d = Get-Defaults @{ OS = 'Windows_NT'; ProgramData = 'C:\ProgramData' }
            @($d.InventoryPath) | Should -Be @('C:\ProgramData\NetbootOci\site.yaml')
            $d.LogPath | Should -Be 'C:\ProgramData\NetbootOci\sync.log'
            $d.StatePath | Should -Be 'C:\ProgramData\NetbootOci\last-sync.json'
            $d.LockPath | Should -Be 'C:\ProgramData\NetbootOci\sync.lock'
        }

        It 'a -WhatIf run with no path parameters reads /etc/netboot-oci/site.yaml and writes nothing' {
            if (Test-Path /etc/netboot-oci) { Set-ItResult -Skipped -Because 'this machine has a real /etc/netboot-oci; a run with defaults would use it'; return }
            $had = @{}
            foreach ($d in '/var/log/netboot-oci', '/var/lib/netboot-oci') { $had[$d] = Test-Path $d }
            $r = Invoke-Sync '' '' -Extra '-WhatIf'
            $r.ExitCode | Should -Be 2 -Because $r.Text
            $r.StdOut | Should -Match ([regex]::Escape('/etc/netboot-oci/site.yaml'))
            foreach ($d in $had.Keys) { if (-not $had[$d]) { Test-Path $d | Should -BeFalse -Because "-WhatIf must not create $d" } }
        }
    }
}
