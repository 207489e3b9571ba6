namespace NetbootOci.Engine.Oci
{
    /// <summary>Opens the right repository implementation for a reference.</summary>
    public static class RepositoryFactory
    {
        public static IOciRepository Open(OciReference reference, RegistryOptions? options = null)
        {
            options = options ?? new RegistryOptions();
            if (reference.IsLayout) return new OciLayoutRepository(reference.LayoutPath!, options.Log, options.MaxManifestBytes);
            return new Remote.RemoteRepository(reference, options);
        }

        public static IOciRepository Open(string reference, RegistryOptions? options = null) => Open(OciReference.Parse(reference), options);
    }
}
