namespace NetbootOci.Engine
{
    /// <summary>
    /// Where the engine reports what it is doing. The cmdlets marshal these to the pipeline thread
    /// (Verbose/Warning/Progress); the CLI writes them to stderr. Implementations must be thread safe:
    /// parallel downloads report from several threads.
    /// </summary>
    public interface IEngineLog
    {
        void Verbose(string message);
        void Warning(string message);
        void Progress(TransferProgress progress);
    }

    /// <summary>One progress report. <see cref="ActivityId"/> is stable per transfer; a parent id of -1 is the run itself.</summary>
    public sealed class TransferProgress
    {
        public int ActivityId { get; set; }
        public int ParentActivityId { get; set; } = -1;
        public string Activity { get; set; } = "";
        public string Status { get; set; } = "";
        public long BytesDone { get; set; }
        /// <summary>-1 when unknown.</summary>
        public long BytesTotal { get; set; } = -1;
        public double BytesPerSecond { get; set; }
        public bool Completed { get; set; }
    }

    /// <summary>A log that drops everything; for callers that do not care.</summary>
    public sealed class NullEngineLog : IEngineLog
    {
        public static readonly NullEngineLog Instance = new NullEngineLog();
        public void Verbose(string message) { }
        public void Warning(string message) { }
        public void Progress(TransferProgress progress) { }
    }
}
