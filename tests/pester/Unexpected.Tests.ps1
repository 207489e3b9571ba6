# One rule at every entry point (issue 12): an exception that is not a NetbootException is a bug, reported as an
# error with the id Unexpected that keeps the original exception inside. Provoked with a real input, no test hook:
# a registry port above 65535 passes the reference parser and fails in System.Uri. When the parser learns to
# refuse it (InvalidReference), these tests need another input that still reaches a bug.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $missing = -not (Test-Cmdlet Get-NetbootArtifact)
}
BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'An unexpected failure' -Tag 'Unit' -Skip:$missing {
    It 'is an Unexpected error record naming the cmdlet, with the original exception inside' {
        $record = $null
        try { Get-NetbootArtifact 'localhost:99999/netboot/x:1' -ErrorAction Stop } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        Get-ErrorId $record | Should -Be 'Unexpected'
        $record.FullyQualifiedErrorId | Should -Be 'Unexpected,NetbootOci.Commands.GetNetbootArtifactCommand'
        $record.CategoryInfo.Category | Should -Be 'NotSpecified'
        $record.Exception.GetType().FullName | Should -Be 'NetbootOci.NetbootException'
        $record.Exception.ErrorId | Should -Be 'Unexpected'
        $record.Exception.Message | Should -Match '^Get-NetbootArtifact failed unexpectedly: System\.UriFormatException: '
        $record.Exception.Message | Should -Not -Match "`n"
        $record.Exception.InnerException | Should -BeOfType ([UriFormatException])
    }

    It 'leaves the session usable: the next call works' {
        try { Get-NetbootArtifact 'localhost:99999/netboot/x:1' -ErrorAction Stop } catch { }
        { Get-NetbootArtifact 'UPPER/Case::bad' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidReference,*'
    }

    It 'is the id [NetbootOci.ErrorIds]::Unexpected with the category README documents' {
        [NetbootOci.ErrorIds]::Unexpected | Should -Be 'Unexpected'
        [string][NetbootOci.ErrorIds]::CategoryOf('Unexpected') | Should -Be 'NotSpecified'
    }
}
