# README's main job, `bash examples/quickstart/run.sh`, on a clean copy of examples/quickstart: the module route
# (pwsh, Publish-NetbootArtifact, the inventory pipeline). The build and the pwsh restore are skipped by the
# script's documented overrides: this suite already runs in the pinned pwsh against the built module.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $noBash = -not (Get-Command bash -CommandType Application -ErrorAction Ignore)
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $source = [IO.Path]::Combine($PSScriptRoot, '..', '..', 'examples', 'quickstart')
    $checkout = Join-Path $TestDrive 'checkout/examples/quickstart'
    New-Item -ItemType Directory -Force $checkout | Out-Null
    foreach ($f in 'run.sh', 'quickstart.ps1', 'inventory.yaml') { Copy-Item (Join-Path $source $f) $checkout }
    $env:NETBOOT_OCI_MODULE = (Resolve-Path $ModuleDir).Path
    $env:NETBOOT_OCI_PWSH = (@($PowerShellExe) + $PowerShellArgs) -join ' '

    function Invoke-Quickstart {
        $out = & bash (Join-Path $checkout 'run.sh') 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | Out-String) }
    }
    # Every name under the root (the store included) with what it is: a link's target, a file's size and time.
    function Get-TreeSnapshot([string]$Root) {
        Get-ChildItem -LiteralPath $Root -Recurse -Force | Sort-Object FullName | ForEach-Object {
            $rel = $_.FullName.Substring($Root.Length)
            if ($_.LinkType) { "$rel -> $($_.Target)" }
            elseif ($_.PSIsContainer) { "$rel/" }
            else { "$rel $($_.Length) $($_.LastWriteTimeUtc.Ticks)" }
        }
    }
}

AfterAll {
    Remove-Item Env:NETBOOT_OCI_MODULE, Env:NETBOOT_OCI_PWSH -ErrorAction Ignore
}

Describe 'Quickstart through the module (examples/quickstart/run.sh)' -Tag 'Integration' -Skip:$noBash {
    It 'publishes into ./layout and deploys ./tftproot with the OS entry, aliases and the host entry' {
        $run = Invoke-Quickstart
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $root = Join-Path $checkout 'tftproot'
        Test-Path (Join-Path $checkout 'layout/index.json') | Should -BeTrue
        (Get-Item (Join-Path $root 'debian/12/amd64')).LinkType | Should -Be 'SymbolicLink'
        foreach ($f in 'bootnetx64.efi', 'grubx64.efi', 'pxelinux.0', 'linux', 'initrd.gz') {
            Test-Path (Join-Path $root "debian/12/amd64/$f") -PathType Leaf | Should -BeTrue
            (Get-Item (Join-Path $root "boot/debian-12-amd64-$f")).LinkType | Should -Be 'SymbolicLink'
            # Relative links only: tftpd-hpa chroots into the root.
            (Get-Item (Join-Path $root "boot/debian-12-amd64-$f")).Target | Should -Not -Match '^/'
        }
        Test-Path (Join-Path $root 'host-config/52-54-00-12-34-56') | Should -BeTrue
        $run.Text | Should -Match 'TFTP root: '
        $run.Text | Should -Not -Match 'Exception|at <ScriptBlock>'
    }

    It 'changes nothing the second time' {
        $root = Join-Path $checkout 'tftproot'
        $before = Get-TreeSnapshot $root
        $run = Invoke-Quickstart
        $run.ExitCode | Should -Be 0 -Because $run.Text
        Get-TreeSnapshot $root | Should -Be $before
    }
}
