namespace NetbootOci
{
    /// <summary>How a name is made to serve a deployed file.</summary>
    public enum LinkType
    {
        /// <summary>A relative symbolic link that resolves inside the root (works under tftpd-hpa's chroot); follows Save's atomic switches.</summary>
        Symlink,
        /// <summary>A hard link to the deployed file (same file system); refreshed by running Set-NetbootLink again after a Save.</summary>
        Hardlink,
        /// <summary>A copy of the deployed file, for file systems or Windows setups without link rights.</summary>
        Copy,
    }

    /// <summary>What happened (or, under -WhatIf, would happen) to one name.</summary>
    public enum LinkAction
    {
        Created,
        Replaced,
        Unchanged,
        Removed,
    }
}
