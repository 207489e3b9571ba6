using System.Management.Automation;
using System.Security;

namespace NetbootOci.Module.Tests.BadCmdlets
{
    /// <summary>What a bad upstream emits: Digest is a number, not a string.</summary>
    public sealed class BadArtifact
    {
        public string Reference { get; set; }
        public int Digest { get; set; }
    }

    // Unapproved verb, plural noun without the prefix, no [OutputType], wrong class name and namespace,
    // not derived from NetbootCmdletBase, string password, bool parameter, a credential that is not a PSCredential.
    [Cmdlet("Fetch", "Artifacts")]
    public sealed class BadFetch : PSCmdlet
    {
        [Parameter] public string Password { get; set; }
        [Parameter] public bool Force { get; set; }
        [Parameter] public string Credential { get; set; }
    }

    // Changes state without ShouldProcess; output type named by string; two by-value parameters in one set;
    // a by-property-name parameter no upstream output has, and one whose upstream property has the wrong type.
    [Cmdlet(VerbsData.Save, "NetbootThing")]
    [OutputType("Some.Unknown.Type")]
    public sealed class SaveNetbootThingCommand : PSCmdlet
    {
        [Parameter(ValueFromPipeline = true, ParameterSetName = "A")] public string[] First { get; set; }
        [Parameter(ValueFromPipeline = true, ParameterSetName = "A")] public object Second { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string Nowhere { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public SwitchParameter Digest { get; set; }
    }

    // Read-only verb offering -WhatIf; an output type that is not public; a secret by another name in plain text.
    [Cmdlet(VerbsCommon.Get, "NetbootThing", SupportsShouldProcess = true)]
    [OutputType(typeof(Hidden))]
    public sealed class GetNetbootThingCommand : PSCmdlet
    {
        [Parameter] public string KeyPassword { get; set; }
        [Parameter] public SecureString GoodPassword { get; set; }
    }

    internal sealed class Hidden { public string Name { get; set; } }

    // Emits objects none of whose properties a downstream pipeline parameter takes.
    [Cmdlet(VerbsCommon.Get, "NetbootBad")]
    [OutputType(typeof(BadArtifact))]
    public sealed class GetNetbootBadCommand : PSCmdlet { }

    // Takes objects by value, but not the type its upstream emits.
    [Cmdlet(VerbsCommon.Set, "NetbootOther", SupportsShouldProcess = true)]
    [OutputType(typeof(BadArtifact))]
    public sealed class SetNetbootOtherCommand : PSCmdlet
    {
        [Parameter(ValueFromPipeline = true)] public System.IO.FileInfo InputObject { get; set; }
    }
}
