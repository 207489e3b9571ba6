using System;
using System.IO;
using System.Linq;

namespace NetbootOci.HelpGen
{
    /// <summary>
    /// Usage: NetbootOci.HelpGen DOCS_DIR MODULE_DIR. Writes MODULE_DIR/en-US/NetbootOci.dll-Help.xml from
    /// DOCS_DIR/*.md and the cmdlets in MODULE_DIR/NetbootOci.dll. A help page without a synopsis or an
    /// example fails the build; a parameter documented but missing (or present but undocumented) is a
    /// warning here and a failure in the module tests.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length != 2) { Console.Error.WriteLine("usage: NetbootOci.HelpGen DOCS_DIR MODULE_DIR"); return 2; }
            try
            {
                var cmdlets = CmdletMetadata.Read(args[1]);
                var pages = Directory.GetFiles(args[0], "*.md").OrderBy(p => p, StringComparer.Ordinal).Select(MarkdownHelp.Parse).ToList();
                foreach (var page in pages)
                {
                    if (!cmdlets.TryGetValue(page.Name, out var meta)) continue;
                    foreach (var p in meta.Parameters.Where(p => !page.Parameters.ContainsKey(p.Name)))
                        Console.WriteLine($"HelpGen : warning NBHELP1: {page.Name} -{p.Name} has no description in module/docs/{page.Name}.md");
                    foreach (var name in page.Parameters.Keys.Where(n => !meta.Parameters.Any(p => p.Name.Equals(n, StringComparison.OrdinalIgnoreCase)) && n is not ("WhatIf" or "Confirm")))
                        Console.WriteLine($"HelpGen : warning NBHELP2: module/docs/{page.Name}.md documents -{name}, which {page.Name} does not have");
                }
                foreach (var missing in cmdlets.Keys.Where(c => !pages.Any(p => p.Name.Equals(c, StringComparison.OrdinalIgnoreCase))))
                    Console.WriteLine($"HelpGen : warning NBHELP3: {missing} has no help page module/docs/{missing}.md");
                var doc = MamlWriter.Write(pages.Select(p => (p, cmdlets.TryGetValue(p.Name, out var m) ? m : null)));
                string outDir = Path.Combine(args[1], "en-US");
                Directory.CreateDirectory(outDir);
                string target = Path.Combine(outDir, "NetbootOci.dll-Help.xml");
                string temp = target + ".tmp";
                doc.Save(temp);
                File.Move(temp, target, overwrite: true);
                Console.WriteLine($"HelpGen: {pages.Count} help pages -> {target}");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadImageFormatException)
            {
                Console.Error.WriteLine($"HelpGen : error NBHELP0: {e.Message}");
                return 1;
            }
        }
    }
}
