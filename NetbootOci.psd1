@{
    RootModule             = 'NetbootOci.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = 'e2f32a24-51ea-455f-8028-469af4dc596c'
    Author                 = 'NetbootOci contributors'
    CompanyName            = 'NetbootOci'
    Copyright              = '(c) NetbootOci contributors. Apache-2.0.'
    Description            = 'Moves network-boot files (shim, grub, pxelinux.0, kernel, initrd, install.img) from OCI registries onto TFTP/HTTP boot servers: verified, atomic, deduplicated; and publishes them as netboot OCI artifacts.'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('NetbootOci.Format.ps1xml')
    FunctionsToExport      = @()
    CmdletsToExport        = @('Get-NetbootArtifact', 'Publish-NetbootArtifact', 'Save-NetbootArtifact', 'Set-NetbootLink', 'Test-NetbootSignature')
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('netboot', 'pxe', 'tftp', 'oci', 'registry', 'cosign', 'foreman', 'uefi', 'secureboot', 'Windows', 'Linux', 'PSEdition_Desktop', 'PSEdition_Core')
            LicenseUri   = 'https://github.com/netbootoci/NetbootOci/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/netbootoci/NetbootOci'
            ReleaseNotes = 'See README.md.'
        }
    }
}
