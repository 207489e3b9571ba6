using System;
using System.Diagnostics;
using System.Threading;

namespace NetbootOci.Engine.Store
{
    /// <summary>
    /// Progress for one run: a parent record (all bytes, overall rate) and one child record per blob, each
    /// reported at most every 200 ms so a fast local copy does not flood the log.
    /// </summary>
    internal sealed class TransferMeter
    {
        static int _nextId = 1000;
        static readonly long Interval = Stopwatch.Frequency / 5;
        readonly IEngineLog _log;
        readonly Stopwatch _clock = Stopwatch.StartNew();
        readonly string _activity;
        readonly long _total;
        long _done;
        long _lastReport;

        public TransferMeter(IEngineLog log, string activity, long total)
        {
            _log = log;
            _activity = activity;
            _total = total;
            Id = Interlocked.Increment(ref _nextId);
        }

        public int Id { get; }

        public Action<long> Child(string name, long size)
        {
            int id = Interlocked.Increment(ref _nextId);
            var clock = Stopwatch.StartNew();
            long last = 0, lastTick = 0, first = -1;
            return position =>
            {
                if (first < 0) first = position; // bytes kept from an earlier run are not part of this run's rate
                long delta = position - Interlocked.Exchange(ref last, position);
                Add(delta > 0 && position > first ? delta : 0);
                long now = clock.ElapsedTicks;
                bool done = position >= size;
                if (!done && now - lastTick < Interval) return;
                lastTick = now;
                double seconds = clock.Elapsed.TotalSeconds;
                _log.Progress(new TransferProgress
                {
                    ActivityId = id, ParentActivityId = Id, Activity = "Downloading " + name, Status = name,
                    BytesDone = position, BytesTotal = size, BytesPerSecond = seconds > 0 ? (position - first) / seconds : 0, Completed = done,
                });
            };
        }

        void Add(long bytes)
        {
            long done = Interlocked.Add(ref _done, bytes);
            long now = _clock.ElapsedTicks;
            long last = Interlocked.Read(ref _lastReport);
            if (now - last < Interval || Interlocked.CompareExchange(ref _lastReport, now, last) != last) return;
            Report(done, false);
        }

        public void Complete() => Report(Interlocked.Read(ref _done), true);

        void Report(long done, bool completed)
        {
            double seconds = _clock.Elapsed.TotalSeconds;
            _log.Progress(new TransferProgress
            {
                ActivityId = Id, Activity = _activity, Status = "Saving", BytesDone = done, BytesTotal = _total,
                BytesPerSecond = seconds > 0 ? done / seconds : 0, Completed = completed,
            });
        }
    }
}
