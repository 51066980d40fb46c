namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// One partition of the embedded log: its ordered segments, what is committed (visible to
/// readers), and the writer's own view of the tail (ahead of the committed one during a group
/// write). <see cref="Sync"/> guards the segment list and the committed state; the writer fields
/// are touched only by the writer thread.
/// </summary>
internal sealed class PartitionLog(int index, string directory)
{
    private long _committedNext;
    private TaskCompletionSource _dataSignal = NewSignal();

    public int Index { get; } = index;

    public string Name { get; } = index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Directory { get; } = directory;

    public object Sync { get; } = new();

    /// <summary>Segments by base sequence, oldest first; never empty once open. Guarded by <see cref="Sync"/>.</summary>
    public List<LogSegment> Segments { get; } = [];

    /// <summary>The next sequence number after the last durable record.</summary>
    public long CommittedNext => Volatile.Read(ref _committedNext);

    /// <summary>Completes when the next commit is published.</summary>
    public Task DataSignal => Volatile.Read(ref _dataSignal).Task;

    /// <summary>Where the last read stopped, so the next read from there skips the index lookup. Guarded by <see cref="Sync"/>.</summary>
    public (LogSegment? Segment, long Sequence, long Position) ReadHint { get; set; }

    // Writer-only state.
    public LogSegment Active { get; set; } = null!;

    public FileStream ActiveStream { get; set; } = null!;

    public long WriterLength { get; set; }

    public long WriterNext { get; set; }

    /// <summary>Publishes a new end (the caller holds <see cref="Sync"/> or is single-threaded) and wakes waiting readers.</summary>
    public void Publish(long committedNext)
    {
        Volatile.Write(ref _committedNext, committedNext);
        WakeReaders();
    }

    public void WakeReaders() => Interlocked.Exchange(ref _dataSignal, NewSignal()).TrySetResult();

    /// <summary>Index of the segment that holds <paramref name="sequence"/> (the last whose base is at or below it).</summary>
    public int FindSegment(long sequence)
    {
        int lo = 0, hi = Segments.Count - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo + 1) / 2);
            if (Segments[mid].BaseSequence <= sequence) lo = mid;
            else hi = mid - 1;
        }

        return lo;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
