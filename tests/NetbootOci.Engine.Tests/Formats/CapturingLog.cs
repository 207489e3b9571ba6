using System.Collections.Generic;
using System.Linq;

namespace NetbootOci.Engine.Tests.Formats
{
    /// <summary>An engine log that keeps what it was told, for assertions on warnings and verbose notes.</summary>
    public sealed class CapturingLog : IEngineLog
    {
        readonly List<string> _verbose = new List<string>();
        readonly List<string> _warnings = new List<string>();

        public IReadOnlyList<string> VerboseLines { get { lock (_verbose) return _verbose.ToList(); } }
        public IReadOnlyList<string> Warnings { get { lock (_warnings) return _warnings.ToList(); } }

        public void Verbose(string message) { lock (_verbose) _verbose.Add(message); }
        public void Warning(string message) { lock (_warnings) _warnings.Add(message); }
        public void Progress(TransferProgress progress) { }
    }
}
