using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NetbootOci.Engine.Tests.Support;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace NetbootOci.Engine.Tests.Sync
{
    /// <summary>
    /// examples/ansible, checked statically: the module is an Ansible.Basic PowerShell module, its options,
    /// documentation and playbook agree, and check mode reaches the cmdlets as -WhatIf. tests/pester/Ansible.Tests.ps1
    /// runs it under the real Ansible.Basic and ansible-playbook.
    /// </summary>
    public sealed class AnsibleExampleTests
    {
        static string Dir => Path.Combine(TestPaths.RepoRoot, "examples", "ansible");

        [Fact]
        public void Module_documentation_and_playbook_agree()
        {
            string module = File.ReadAllText(Path.Combine(Dir, "library", "netboot_sync.ps1"));
            Assert.StartsWith("#!powershell\n#AnsibleRequires -CSharpUtil Ansible.Basic\n", module.Replace("\r\n", "\n"));
            Assert.Contains("[Ansible.Basic.AnsibleModule]::Create($args, $spec)", module);
            Assert.Contains("supports_check_mode = $true", module);
            Assert.Contains("$common = @{ WhatIf = $module.CheckMode; Confirm = $false }", module);
            Assert.Contains("Get-NetbootArtifact @get", module);
            Assert.Contains("Save-NetbootArtifact @common", module);
            Assert.Contains("Set-NetbootLink @common", module);
            Assert.Contains("$module.Diff.before", module);
            Assert.Contains("$module.ExitJson()", module);

            var specBlock = Regex.Match(module, @"options = @\{(.*?)\n    \}", RegexOptions.Singleline).Groups[1].Value;
            var options = Regex.Matches(specBlock, @"^\s+(\w+)\s+=", RegexOptions.Multiline).Select(m => m.Groups[1].Value).OrderBy(n => n).ToList();
            Assert.Equal(new[] { "inventory", "module_version", "proxy" }, options);

            string py = File.ReadAllText(Path.Combine(Dir, "library", "netboot_sync.py"));
            var doc = Regex.Match(py, "DOCUMENTATION = r'''(.*?)'''", RegexOptions.Singleline).Groups[1].Value;
            var yaml = new YamlStream();
            yaml.Load(new StringReader(doc));
            var documented = ((YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["options"]).Children.Keys.Select(k => k.ToString()).OrderBy(n => n).ToList();
            Assert.Equal(options, documented);

            var playbook = new YamlStream();
            playbook.Load(new StringReader(File.ReadAllText(Path.Combine(Dir, "playbooks", "sync.yml"))));
            var tasks = (YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)playbook.Documents[0].RootNode)[0])["tasks"];
            var sync = tasks.Children.Cast<YamlMappingNode>().Single(t => t.Children.ContainsKey("netboot_sync"));
            foreach (var key in ((YamlMappingNode)sync["netboot_sync"]).Children.Keys)
                Assert.Contains(key.ToString(), options);
            foreach (var copy in tasks.Children.Cast<YamlMappingNode>().Where(t => t.Children.Keys.Any(k => k.ToString().EndsWith("copy"))))
            {
                var src = ((YamlMappingNode)copy.Children.First(k => k.Key.ToString().EndsWith("copy")).Value)["src"].ToString();
                Assert.True(File.Exists(Path.Combine(Dir, "playbooks", src)), src);
            }
        }
    }
}
