# Hostile inventories (issue 12): files that crashed the reader or the whole PowerShell process are one
# InventoryInvalid error whose exception's Errors list points at the problem, and the session goes on.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $missing = -not (Test-Cmdlet Get-NetbootArtifact)
}
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    function Write-TestInventory([string]$Name, [string]$Text) {
        $path = Join-Path $TestDrive $Name
        [IO.File]::WriteAllText($path, $Text) # UTF-8 without BOM on 5.1 and 7
        $path
    }
    # A typo seen in the field: the ']' is forgotten and the next keys follow (line 8 opens it at column 20).
    $unclosed = Write-TestInventory 'unclosed.yaml' ("schemaVersion: 1`nregistries:`n  - name: r`n    url: oci:layout`noperatingSystems:`n" +
        "  - name: fedora`n    version: `"40`"`n    architectures: [amd64`n    registry: r`nproxies:`n  - name: p`n    root: tftp`n")
    # 100 KB of '[' and of '{a: ': the recursive reader overflowed the stack, which ends the process.
    $deepSequence = Write-TestInventory 'deep-seq.yaml' ("schemaVersion: 1`nproxies: " + [string]::new([char]'[', 50000) + [string]::new([char]']', 50000) + "`n")
    $deepMapping = Write-TestInventory 'deep-map.yaml' ("schemaVersion: 1`nproxies: " + ('{a: ' * 25000) + 'b' + [string]::new([char]'}', 25000) + "`n")
    # Level 1 is the root mapping, proxies' value (column 10) level 2: the limit (64) is crossed at opener 64.
    $cases = @(
        @{ Name = 'an unclosed flow sequence'; Path = $unclosed; Line = 9; Column = 5; Message = "'[' at line 8, column 20" }
        @{ Name = '50,000 nested lists'; Path = $deepSequence; Line = 2; Column = 73; Message = 'nesting is deeper than 64 levels' }
        @{ Name = '25,000 nested mappings'; Path = $deepMapping; Line = 2; Column = 262; Message = 'nesting is deeper than 64 levels' }
    )
}

Describe 'Get-NetbootArtifact -InventoryPath on hostile inventories' -Tag 'Unit' -Skip:$missing {
    It 'reports <Name> as one InventoryInvalid error at its line and column' -TestCases @(
        @{ Name = 'an unclosed flow sequence'; Index = 0 }
        @{ Name = '50,000 nested lists'; Index = 1 }
        @{ Name = '25,000 nested mappings'; Index = 2 }
    ) {
        param($Name, $Index)
        $case = $cases[$Index]
        $record = $null
        try { Get-NetbootArtifact -InventoryPath $case.Path -ErrorAction Stop } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        Get-ErrorId $record | Should -Be 'InventoryInvalid'
        $record.CategoryInfo.Category | Should -Be 'InvalidData'
        $errors = @($record.Exception.Errors)
        $errors.Count | Should -Be 1
        $errors[0].File | Should -Be $case.Path
        $errors[0].Line | Should -Be $case.Line
        $errors[0].Column | Should -Be $case.Column
        $errors[0].Message | Should -Match ([regex]::Escape($case.Message))
    }

    It 'leaves the PowerShell process running: a fresh session reads all three and carries on' {
        $script = Join-Path $TestDrive 'hostile.ps1'
        Set-Content -Path $script -Encoding UTF8 -Value @'
param([string]$ModuleDir, [string]$Paths)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleDir 'NetbootOci.psd1')
foreach ($p in $Paths.Split('|')) {
    try { Get-NetbootArtifact -InventoryPath $p; 'no error' }
    catch { $e = $_.Exception.Errors[0]; '{0}|{1}|{2}:{3}' -f $_.FullyQualifiedErrorId.Split(',')[0], [IO.Path]::GetFileName($e.File), $e.Line, $e.Column }
}
'still running'
'@
        $r = Invoke-NetbootChildPwsh -File $script -Arguments @('-ModuleDir', (Resolve-Path $ModuleDir).ProviderPath, '-Paths', ($cases.Path -join '|'))
        $lines = @($r.StdOut -split "`r?`n" | Where-Object { $_ })
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $lines | Should -Be @('InventoryInvalid|unclosed.yaml|9:5', 'InventoryInvalid|deep-seq.yaml|2:73', 'InventoryInvalid|deep-map.yaml|2:262', 'still running')
        $r.StdErr | Should -Not -Match 'Stack overflow'
    }
}
