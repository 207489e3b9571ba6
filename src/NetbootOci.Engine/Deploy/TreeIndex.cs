using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// <c>trees/&lt;manifest-hex&gt;.json</c>: which store blob each file of a tree is, so Prune knows what a live tree
    /// keeps. Kept beside the tree, not in it, so the boot server never serves it.
    /// </summary>
    internal sealed class TreeIndex
    {
        [JsonPropertyName("manifest")] public string Manifest { get; set; } = "";
        [JsonPropertyName("reference")] public string Reference { get; set; } = "";
        [JsonPropertyName("files")] public SortedDictionary<string, string> Files { get; set; } = new SortedDictionary<string, string>();
        [JsonPropertyName("links")] public SortedDictionary<string, string> Links { get; set; } = new SortedDictionary<string, string>();

        public static TreeIndex? Read(string path)
        {
            try { return File.Exists(path) ? JsonSerializer.Deserialize<TreeIndex>(File.ReadAllBytes(path)) : null; }
            catch (JsonException) { return null; }
        }

        public void Write(string path)
        {
            string temp = path + ".tmp";
            using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(this, new JsonSerializerOptions { WriteIndented = true });
                fs.Write(bytes, 0, bytes.Length);
                fs.Flush(true);
            }
            FileSystemLinks.RenameOver(temp, path);
        }
    }
}
