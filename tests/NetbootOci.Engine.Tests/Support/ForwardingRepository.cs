using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Tests.Support
{
    /// <summary>A repository that passes everything to another; tests override the calls they observe or break.</summary>
    public abstract class ForwardingRepository : IOciRepository
    {
        protected ForwardingRepository(IOciRepository inner) { Inner = inner; }
        protected IOciRepository Inner { get; }

        public OciReference Reference => Inner.Reference;
        public virtual Task<Descriptor?> ResolveAsync(string t, CancellationToken c) => Inner.ResolveAsync(t, c);
        public virtual Task<ManifestContent> GetManifestAsync(string t, CancellationToken c) => Inner.GetManifestAsync(t, c);
        public virtual Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken c) => Inner.ListTagsAsync(c);
        public virtual Task<bool> BlobExistsAsync(string d, CancellationToken c) => Inner.BlobExistsAsync(d, c);
        public virtual Task<Stream> OpenBlobAsync(string digest, long offset, CancellationToken c) => Inner.OpenBlobAsync(digest, offset, c);
        public virtual Task<long> PushBlobAsync(Descriptor b, Func<Stream> o, BlobPushOptions? p, CancellationToken c) => Inner.PushBlobAsync(b, o, p, c);
        public virtual Task<string> PushManifestAsync(byte[] b, string m, string? t, CancellationToken c) => Inner.PushManifestAsync(b, m, t, c);
        public virtual Task<IReadOnlyList<Descriptor>> GetReferrersAsync(string d, string? a, CancellationToken c) => Inner.GetReferrersAsync(d, a, c);
        public virtual void Dispose() => Inner.Dispose();
    }
}
