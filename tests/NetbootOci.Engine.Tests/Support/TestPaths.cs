using System;
using System.IO;

namespace NetbootOci.Engine.Tests.Support
{
    /// <summary>Where the repository and the shared reference material (../shared beside the clone) are.</summary>
    public static class TestPaths
    {
        public static string RepoRoot { get; } = FindUp(AppContext.BaseDirectory, d => File.Exists(Path.Combine(d, "NetbootOci.sln")))
            ?? throw new InvalidOperationException("Cannot find the repository root (NetbootOci.sln) above " + AppContext.BaseDirectory);

        /// <summary>The shared/ folder: beside the clone (CI: a fresh clone with shared/ beside it), or NETBOOTOCI_SHARED.</summary>
        public static string Shared
        {
            get
            {
                string? env = Environment.GetEnvironmentVariable("NETBOOTOCI_SHARED");
                if (!string.IsNullOrEmpty(env)) return env!;
                string? found = FindUp(RepoRoot, d => Directory.Exists(Path.Combine(d, "shared", "vectors")));
                if (found == null) throw new InvalidOperationException("Cannot find shared/vectors beside the repository (set NETBOOTOCI_SHARED).");
                return Path.Combine(found, "shared");
            }
        }

        public static string Vectors => Path.Combine(Shared, "vectors");

        static string? FindUp(string start, Func<string, bool> match)
        {
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                if (match(d.FullName)) return d.FullName;
            return null;
        }
    }

    /// <summary>A temporary directory removed at dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir(string prefix = "nboci-test")
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 10));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }
        public string Combine(params string[] parts) => System.IO.Path.Combine(Path, System.IO.Path.Combine(parts));

        public void Dispose()
        {
            try
            {
                foreach (var f in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
                    File.SetAttributes(f, FileAttributes.Normal);
                Directory.Delete(Path, true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
