using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetbootOci.Engine.Deploy.Links
{
    /// <summary>One name Set-NetbootLink made and therefore may replace or prune.</summary>
    public sealed class ManagedLink
    {
        /// <summary>Root-relative name of what the link serves (under the OS entry).</summary>
        public string Target { get; set; } = "";
        [JsonConverter(typeof(JsonStringEnumConverter))]
        public LinkType Type { get; set; }
        public string? Os { get; set; }
        public string? Version { get; set; }
        public string? Architecture { get; set; }
        public string? Mac { get; set; }
    }

    /// <summary>
    /// ROOT/.netboot-oci/links.json: the names (and directories) this module created in the root. Only these
    /// are replaced or pruned without -Force. Written to a temporary file beside it and renamed over, so a
    /// crash leaves the old or the new record, never a torn one.
    /// </summary>
    public sealed class OwnershipRecord
    {
        public const string StateDirectory = ".netboot-oci";
        public const string FileName = "links.json";

        static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = true };

        public int SchemaVersion { get; set; } = 1;
        /// <summary>Root-relative link name → what it is.</summary>
        public SortedDictionary<string, ManagedLink> Links { get; set; } = new SortedDictionary<string, ManagedLink>(StringComparer.Ordinal);
        /// <summary>Root-relative directories created to hold links; removed by prune once empty.</summary>
        public SortedSet<string> Directories { get; set; } = new SortedSet<string>(StringComparer.Ordinal);

        public static string PathIn(string root) => Path.Combine(root, StateDirectory, FileName);

        public static OwnershipRecord Load(string root)
        {
            string path = PathIn(root);
            CheckStateDirectory(root);
            if (!File.Exists(path)) return new OwnershipRecord();
            try
            {
                var record = JsonSerializer.Deserialize<OwnershipRecord>(File.ReadAllText(path, Encoding.UTF8), Json);
                if (record == null || record.SchemaVersion != 1) throw new JsonException("unknown schema version");
                record.Links = new SortedDictionary<string, ManagedLink>(record.Links ?? new SortedDictionary<string, ManagedLink>(), StringComparer.Ordinal);
                record.Directories = new SortedSet<string>(record.Directories ?? new SortedSet<string>(), StringComparer.Ordinal);
                return record;
            }
            catch (JsonException e)
            {
                throw new NetbootException(ErrorIds.LinkRecordInvalid, FailureKind.InvalidData,
                    $"The link ownership record '{path}' is not valid ({e.Message}); fix or remove it (links it listed are then treated as unmanaged).", path, e);
            }
        }

        public void Save(string root)
        {
            CheckStateDirectory(root);
            string dir = Path.Combine(root, StateDirectory);
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, FileName);
            string temp = Path.Combine(dir, "." + FileName + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Json) + "\n");
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }
                FileSystemLinks.RenameOver(temp, path);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        /// <summary>The state directory must be a real directory in the root, never a planted symbolic link.</summary>
        static void CheckStateDirectory(string root)
        {
            string dir = Path.Combine(root, StateDirectory);
            if (FileSystemLinks.IsSymbolicLink(dir))
                throw new NetbootException(ErrorIds.PathEscapesRoot, FailureKind.SecurityError,
                    $"'{dir}' is a symbolic link; the module's state directory must be a real directory in the root.", dir);
            string file = Path.Combine(dir, FileName);
            if (FileSystemLinks.IsSymbolicLink(file))
                throw new NetbootException(ErrorIds.PathEscapesRoot, FailureKind.SecurityError,
                    $"'{file}' is a symbolic link; refusing to read or replace it.", file);
        }
    }
}
