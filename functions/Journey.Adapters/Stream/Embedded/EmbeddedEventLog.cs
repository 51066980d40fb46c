using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// The embedded durable event stream: local mode's stand-in for Azure Event Hubs. Events are
/// partitioned by a stable hash of their profile key (<see cref="StreamPartitioner"/>) and
/// appended to per-partition segment files under <c>{DataDirectory}/stream/partitions/{p}/</c>.
/// <para>
/// Writes use group commit: <see cref="AppendAsync"/> serializes its events on the caller's
/// thread and queues them; a single writer thread drains everything queued and writes it to the
/// partition files and, in one sequential write, to the <see cref="StreamJournal"/>. Only the
/// journal is flushed to disk (one flush per group, by a flusher thread, while the writer already
/// writes the next group: a few groups are flushed at once), and only when a group and all groups
/// before it are durable are its waiting callers completed. The partition files are flushed at
/// checkpoints (the journal is full, or the log closes). A failed write or flush is truncated away
/// again and faults every caller of that group (and of the groups written after it) with
/// <see cref="StreamUnavailableException"/>, so a call's events are all durable or none are
/// acknowledged.
/// </para>
/// <para>
/// On open the tail segment of each partition is validated (framing and CRC) and a torn tail from a
/// crash is cut off; records the journal holds beyond a partition's last good record (the tail a
/// power loss took) are written back; sequence numbers continue from the last good record. Readers (the
/// <see cref="EmbeddedStreamDispatcher"/>) read committed records only, through a sparse
/// in-memory index, and can wait for new commits with <see cref="WaitForDataAsync"/>.
/// </para>
/// </summary>
public sealed partial class EmbeddedEventLog : IEventStream, IAsyncDisposable, IDisposable
{
    /// <summary>The writer drains at most this many bytes into one group (a single bigger call still goes alone).</summary>
    private const long MaxGroupBytes = 8L * 1024 * 1024;

    private const int QueueCapacity = 8192;
    private const int ReadChunkBytes = 64 * 1024;
    private const int FormatVersion = 1;

    private readonly EmbeddedStreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PartitionLog[] _partitions;
    private readonly Channel<AppendRequest> _queue;
    private readonly Thread _writer;
    private readonly FlushQueue _flushQueue = new();
    private readonly List<Thread> _flushers = [];
    private readonly TaskCompletionSource _writerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FileStream _lockFile;
    private readonly StreamJournal _journal;
    private readonly Lock _retentionLock = new();

    // Writer-thread scratch, reused across groups.
    private readonly long[] _partitionBytes;
    private readonly long[] _partitionCursor;
    private readonly List<SegmentWrite> _segmentWrites = [];
    private readonly List<(long Sequence, long Position)> _indexEntries = [];
    private readonly List<(LogSegment Segment, FileStream Stream)> _touched = [];
    private readonly List<string> _orphans = [];
    private readonly List<FileStream> _createdStreams = [];
    private readonly List<FileStream> _sealedStreams = [];

    private long _appendCalls;
    private long _eventsAppended;
    private long _groupCommits;
    private long _flushes;
    private long _failedGroups;
    private long _checkpoints;
    private long _replayedRecords;
    private (long Position, long Sequence) _journalCommitted;
    private long _preflushedAt;
    private int _preflushing;
    private volatile bool _needsRepair;
    private int _disposed;

    /// <summary>Opens (or creates) the log under <c>{DataDirectory}/stream</c> and recovers each partition's tail.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The folder was created with another partition count, or another process has it open.</exception>
    public EmbeddedEventLog(IOptions<EmbeddedStreamOptions> options, TimeProvider timeProvider, ILogger<EmbeddedEventLog>? logger = null)
    {
        _options = options.Value;
        _options.ThrowIfInvalid();
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Directory = _options.StreamDirectory;
        System.IO.Directory.CreateDirectory(Directory);
        _lockFile = AcquireLock(Directory);
        try
        {
            CheckMetadata();
            _partitions = new PartitionLog[_options.Partitions];
            for (var p = 0; p < _partitions.Length; p++)
                _partitions[p] = OpenPartition(p);
            _partitionBytes = new long[_partitions.Length];
            _partitionCursor = new long[_partitions.Length];
            _journal = StreamJournal.Open(Directory, _options.JournalBytes);
            ReplayJournal();
            Checkpoint();
        }
        catch
        {
            foreach (var part in _partitions ?? [])
                part?.ActiveStream?.Dispose();
            _journal?.Dispose();
            _lockFile.Dispose();
            throw;
        }

        PartitionIds = [.. _partitions.Select(p => p.Name)];
        _queue = Channel.CreateBounded<AppendRequest>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        for (var i = 0; i < FlusherThreads; i++)
        {
            var flusher = new Thread(FlusherLoop) { IsBackground = true, Name = "Journey flusher" };
            _flushers.Add(flusher);
            flusher.Start();
        }
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "Journey stream writer" };
        _writer.Start();
    }

    /// <summary>The stream folder (<c>{DataDirectory}/stream</c>).</summary>
    public string Directory { get; }

    /// <summary>The partition names, "0".."N-1".</summary>
    public IReadOnlyList<string> PartitionIds { get; }

    /// <summary>AppendAsync calls whose events were made durable.</summary>
    public long AppendCount => Interlocked.Read(ref _appendCalls);

    /// <summary>Events made durable.</summary>
    public long EventCount => Interlocked.Read(ref _eventsAppended);

    /// <summary>Group writes committed (each one shared by every call queued at the time).</summary>
    public long GroupCommitCount => Interlocked.Read(ref _groupCommits);

    /// <summary>Files flushed to disk (<c>fsync</c>); with group commit far fewer than <see cref="AppendCount"/>.</summary>
    public long FlushCount => Interlocked.Read(ref _flushes);

    /// <summary>Group writes that failed and were rolled back.</summary>
    public long FailedGroupCount => Interlocked.Read(ref _failedGroups);

    /// <summary>Checkpoints: the partition files flushed and the journal started over (at open, when full, at close).</summary>
    public long CheckpointCount => Interlocked.Read(ref _checkpoints);

    /// <summary>Records written back from the journal at open (a power loss had taken them from the partition files).</summary>
    public long ReplayedRecordCount => Interlocked.Read(ref _replayedRecords);

    /// <summary>Test hook: false closes without the final checkpoint, as a power loss would leave the files.</summary>
    internal bool CheckpointOnClose { get; set; } = true;

    /// <summary>Test hook: runs on the writer thread after a group is written and before it is flushed.</summary>
    internal Action? BeforeFlush { get; set; }

    /// <summary>Test hook: runs on a flusher thread before it flushes a file or folder to disk (a throw fails that group).</summary>
    internal Action? BeforeDiskFlush { get; set; }

    /// <summary>Test hook: runs on a flusher thread after it flushed a file or folder (or failed to), once its group knows.</summary>
    internal Action? AfterDiskFlush { get; set; }

    /// <inheritdoc />
    public Task AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) return Task.CompletedTask;
        ThrowIfClosed();
        return EnqueueAndWaitAsync(AppendRequest.FromEvents(events, _partitions.Length, cancellationToken), cancellationToken);
    }

    /// <summary>Appends one record of arbitrary bytes to the partition of <paramref name="partitionKey"/> (tools and tests: what a misbehaving producer could write).</summary>
    public Task AppendRawAsync(string partitionKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ThrowIfClosed();
        return EnqueueAndWaitAsync(AppendRequest.FromRaw(partitionKey, body.Span, _partitions.Length, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0 || !_writer.IsAlive || _writerExited.Task.IsCompleted || _needsRepair)
            return Task.FromResult(false);
        try
        {
            var probe = Path.Combine(Directory, $".probe-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}");
            using var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            stream.WriteByte(0);
            return Task.FromResult(true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(false);
        }
    }

    /// <summary>The sequence number the next record of the partition will get (so the end of what is committed).</summary>
    public long GetEndSequence(int partition) => Partition(partition).CommittedNext;

    /// <summary><see cref="GetEndSequence"/> of every partition, by partition index.</summary>
    public long[] GetEndSequences() => [.. _partitions.Select(p => p.CommittedNext)];

    /// <summary>The first sequence number still in the partition (the retention deletes older segments).</summary>
    public long GetStartSequence(int partition)
    {
        var part = Partition(partition);
        lock (part.Sync) return part.Segments[0].BaseSequence;
    }

    /// <summary>
    /// Reads up to <paramref name="maxRecords"/> committed records of a partition, starting at the
    /// first record whose sequence number is at or after <paramref name="fromSequence"/> (a
    /// position the retention already deleted starts at the oldest record kept). The result's
    /// <see cref="StreamReadResult.NextSequence"/> is where the next read continues; it also moves
    /// past gaps (sequence numbers a crash left unused), so a consumer can checkpoint it even when
    /// no record came back.
    /// </summary>
    /// <exception cref="InvalidDataException">A committed record no longer matches its CRC (the file changed on disk).</exception>
    public async ValueTask<StreamReadResult> ReadAsync(int partition, long fromSequence, int maxRecords, CancellationToken cancellationToken)
    {
        var part = Partition(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(fromSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        ThrowIfDisposed();

        var records = new List<StreamRecord>(Math.Min(maxRecords, 1024));
        var next = fromSequence;
        while (records.Count < maxRecords)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LogSegment segment;
            long limit, segmentEnd, position;
            bool isTail;
            lock (part.Sync)
            {
                var end = part.CommittedNext;
                var segments = part.Segments;
                if (next < segments[0].BaseSequence) next = segments[0].BaseSequence;
                if (next >= end) break;
                var i = part.FindSegment(next);
                segment = segments[i];
                isTail = i == segments.Count - 1;
                segmentEnd = isTail ? end : segments[i + 1].BaseSequence;
                limit = segment.CommittedLength;
                var hint = part.ReadHint;
                position = hint.Segment == segment && hint.Sequence <= next ? hint.Position : -1;
                segment.AddReference();
            }

            try
            {
                if (!isTail)
                {
                    // A sealed segment: its valid length is known once it has been scanned.
                    if (!segment.IsIndexed) segment.ScanAndIndex();
                    limit = segment.CommittedLength;
                }

                position = Math.Max(position, segment.PositionFor(next));
                var (stoppedAt, lastSequence) = await ReadFramesAsync(part, segment, position, limit, next, maxRecords, records, cancellationToken);
                next = records.Count >= maxRecords ? lastSequence + 1 : Math.Max(Math.Max(next, segmentEnd), lastSequence + 1);
                lock (part.Sync) part.ReadHint = (segment, next, stoppedAt);
            }
            finally
            {
                segment.Release();
            }
        }

        return new StreamReadResult(records, next);
    }

    /// <summary>
    /// Waits until the partition has a committed record at or after <paramref name="fromSequence"/>,
    /// or <paramref name="timeout"/> passes. True when there is one.
    /// </summary>
    public async Task<bool> WaitForDataAsync(int partition, long fromSequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var part = Partition(partition);
        while (true)
        {
            var signal = part.DataSignal;
            if (part.CommittedNext > fromSequence) return true;
            if (Volatile.Read(ref _disposed) != 0) return false;
            try
            {
                await signal.WaitAsync(timeout, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return part.CommittedNext > fromSequence;
            }
        }
    }

    /// <summary>
    /// Deletes whole segments that every consumer group (every checkpoint file in
    /// <paramref name="checkpoints"/>) has read past and whose newest record is older than the
    /// retention. The tail segment is never deleted; with no consumer group known nothing is.
    /// Returns the number of segments deleted.
    /// </summary>
    public int ApplyRetention(CheckpointStore checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        ThrowIfDisposed();
        var groups = checkpoints.ListConsumerGroups().Select(checkpoints.Get).ToList();
        if (groups.Count == 0) return 0;
        var cutoff = _time.GetUtcNow() - _options.Retention;
        var deleted = 0;
        lock (_retentionLock)
        {
            foreach (var part in _partitions)
            {
                var safe = groups.Min(g => g.GetValueOrDefault(part.Name, 0));
                while (true)
                {
                    LogSegment candidate;
                    lock (part.Sync)
                    {
                        if (part.Segments.Count < 2 || part.Segments[1].BaseSequence > safe) break;
                        candidate = part.Segments[0];
                        candidate.AddReference();
                    }

                    bool expired;
                    try
                    {
                        if (!candidate.IsIndexed) candidate.ScanAndIndex();
                        expired = candidate.LastSequence < 0 || candidate.LastEnqueuedAt < cutoff;
                    }
                    finally
                    {
                        candidate.Release();
                    }

                    if (!expired) break;
                    lock (part.Sync) part.Segments.Remove(candidate);
                    candidate.Retire(deleteFile: true);
                    deleted++;
                    _logger.SegmentDeleted(Path.GetFileName(candidate.Path), part.Name, candidate.LastEnqueuedAt);
                }
            }
        }

        return deleted;
    }

    /// <summary>Stops accepting appends, writes everything already queued, and closes the files.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops accepting appends, writes everything already queued, and closes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        await _writerExited.Task.ConfigureAwait(false);
        foreach (var flusher in _flushers)
            flusher.Join(); // the writer completed their queue: they exit once it is empty
        _flushQueue.Dispose();
        if (_needsRepair) TryRepair(out _);
        if (!_needsRepair && CheckpointOnClose)
        {
            try
            {
                Checkpoint();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.CheckpointAtCloseFailed(ex);
            }
        }

        _journal.Dispose();
        foreach (var part in _partitions)
        {
            part.ActiveStream.Dispose();
            lock (part.Sync)
            {
                foreach (var segment in part.Segments)
                    segment.Retire(deleteFile: false);
            }

            part.WakeReaders();
        }

        _lockFile.Dispose();
    }

    private PartitionLog Partition(int partition)
    {
        if ((uint)partition >= (uint)_partitions.Length)
            throw new ArgumentOutOfRangeException(nameof(partition), partition, $"The stream has partitions 0..{_partitions.Length - 1}.");
        return _partitions[partition];
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new StreamUnavailableException("The embedded event stream is shut down.");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private async Task EnqueueAndWaitAsync(AppendRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (!_queue.Writer.TryWrite(request))
                await _queue.Writer.WriteAsync(request, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            request.ReturnBuffers();
            throw new StreamUnavailableException("The embedded event stream is shut down.", ex);
        }
        catch
        {
            request.ReturnBuffers();
            throw;
        }

        // From here on the writer owns the request (and returns its buffers).
        await request.Completion.Task.WaitAsync(cancellationToken);
    }

    // ---------------------------------------------------------------- opening and recovery

    private static FileStream AcquireLock(string directory)
    {
        var path = Path.Combine(directory, ".lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"The stream folder {directory} is in use by another process (or another EmbeddedEventLog in this one).", ex);
        }
    }

    private void CheckMetadata()
    {
        var path = Path.Combine(Directory, "stream.json");
        if (File.Exists(path))
        {
            int partitions;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                partitions = doc.RootElement.GetProperty("partitions").GetInt32();
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidOperationException($"The stream metadata file {path} is unreadable ({ex.Message}).", ex);
            }

            if (partitions != _options.Partitions)
            {
                throw new InvalidOperationException(
                    $"The stream folder {Directory} was created with {partitions} partitions, but {EmbeddedStreamOptions.SectionName}:Partitions is {_options.Partitions}. " +
                    "Profiles are assigned to partitions by their key, so the count cannot change: use the same count, or a new data folder.");
            }

            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("formatVersion", FormatVersion);
            writer.WriteNumber("partitions", _options.Partitions);
            writer.WriteString("partitioner", "fnv1a32-murmur3fmix");
            writer.WriteEndObject();
        }

        DurableFile.WriteAtomically(path, buffer.WrittenSpan);
    }

    private PartitionLog OpenPartition(int index)
    {
        var directory = Path.Combine(Directory, "partitions", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(directory);
        var part = new PartitionLog(index, directory);
        var bases = new List<long>();
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*" + LogSegment.Extension))
        {
            if (LogSegment.TryParseFileName(Path.GetFileName(file), out var baseSequence)) bases.Add(baseSequence);
            else _logger.UnexpectedFile(file, part.Name);
        }

        bases.Sort();
        if (bases.Count == 0)
        {
            var first = new LogSegment(directory, 0);
            part.ActiveStream = OpenWriteStream(first.Path, FileMode.CreateNew);
            DurableFile.TryFlushDirectory(directory);
            first.MarkIndexed();
            part.Segments.Add(first);
            part.Active = first;
            part.Publish(0);
            return part;
        }

        foreach (var b in bases) part.Segments.Add(new LogSegment(directory, b));
        var tail = part.Segments[^1];
        var scan = tail.ScanAndIndex();
        part.ActiveStream = OpenWriteStream(tail.Path, FileMode.Open);
        if (scan.InvalidTailBytes > 0)
        {
            _logger.TornTailCut(part.Name, scan.InvalidTailBytes, Path.GetFileName(tail.Path), scan.Records);
            part.ActiveStream.SetLength(scan.ValidLength);
            part.ActiveStream.Flush(flushToDisk: true);
        }

        part.ActiveStream.Position = scan.ValidLength;
        part.Active = tail;
        part.WriterLength = scan.ValidLength;
        part.WriterNext = scan.LastSequence >= 0 ? scan.LastSequence + 1 : tail.BaseSequence;
        part.Publish(part.WriterNext);
        return part;
    }

    /// <summary>
    /// Writes back the records the journal holds beyond each partition's last good record: the
    /// tail a power loss took from a partition file after its group was acknowledged.
    /// </summary>
    private void ReplayJournal()
    {
        foreach (var (p, frames) in _journal.ReadEntries())
        {
            if ((uint)p >= (uint)_partitions.Length)
            {
                _logger.JournalEntryForUnknownPartition(p);
                continue;
            }

            var part = _partitions[p];
            var span = frames.Span;
            var at = 0;
            // Skip what the partition file already has (the entry's frames passed its CRC, so they are whole).
            while (at + RecordFrame.HeaderSize <= span.Length && RecordFrame.Sequence(span[at..]) < part.WriterNext && RecordFrame.PayloadLength(span[at..]) >= 0)
                at += RecordFrame.FrameSize(RecordFrame.PayloadLength(span[at..]));
            if (at + RecordFrame.HeaderSize > span.Length) continue; // the partition file has all of it

            var first = RecordFrame.Sequence(span[at..]);
            if (first != part.WriterNext)
            {
                _logger.JournalGap(part.Name, first, part.WriterNext);
                continue;
            }

            var buffer = span[at..].ToArray();
            var job = new GroupJob([], LastEnqueuedAt(buffer)); // the segments keep the records' own time (retention goes by it)
            _segmentWrites.Clear();
            _indexEntries.Clear();
            WritePartition(job, part, buffer, 0, buffer.Length);
            job.Writes = [.. _segmentWrites];
            job.IndexEntries = [.. _indexEntries];
            var last = job.Writes[^1].LastSequence;
            foreach (var sealedStream in job.Sealed)
                sealedStream.Flush(flushToDisk: true);
            part.WriterNext = last + 1;
            CommitJob(job);
            _replayedRecords += last - first + 1;
        }

        if (_replayedRecords > 0)
            _logger.JournalReplayed(_replayedRecords);
    }

    /// <summary>When the last of a run of whole frames was enqueued.</summary>
    private static DateTimeOffset LastEnqueuedAt(ReadOnlySpan<byte> frames)
    {
        var last = 0;
        for (var at = 0; at + RecordFrame.HeaderSize <= frames.Length; at += RecordFrame.FrameSize(RecordFrame.PayloadLength(frames[at..])))
            last = at;
        return new DateTimeOffset(RecordFrame.EnqueuedTicks(frames[last..]), TimeSpan.Zero);
    }

    private static FileStream OpenWriteStream(string path, FileMode mode) =>
        new(path, mode, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);

    // ---------------------------------------------------------------- reading

    private static async ValueTask<(long StoppedAt, long LastSequence)> ReadFramesAsync(
        PartitionLog part, LogSegment segment, long position, long limit, long fromSequence, int maxRecords, List<StreamRecord> records, CancellationToken cancellationToken)
    {
        var handle = segment.ReadHandle();
        var chunk = ReadChunkBytes;
        var lastSequence = -1L;
        while (position < limit && records.Count < maxRecords)
        {
            var toRead = (int)Math.Min(limit - position, chunk);
            var buffer = GC.AllocateUninitializedArray<byte>(toRead);
            var read = 0;
            while (read < toRead)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), position + read, cancellationToken);
                if (n == 0) throw Corrupt(part, segment, position + read, "the file ends before its committed length");
                read += n;
            }

            var offset = 0;
            while (records.Count < maxRecords && toRead - offset >= RecordFrame.HeaderSize)
            {
                var payload = RecordFrame.PayloadLength(buffer.AsSpan(offset));
                if (payload < 0) throw Corrupt(part, segment, position + offset, "invalid record length");
                var frameSize = RecordFrame.FrameSize(payload);
                if (offset + frameSize > toRead)
                {
                    if (offset == 0)
                    {
                        if (position + frameSize > limit) throw Corrupt(part, segment, position, "a record runs past the committed end");
                        chunk = frameSize; // a record bigger than the chunk: read it whole next time round
                    }

                    break;
                }

                var frame = buffer.AsSpan(offset, frameSize);
                if (!RecordFrame.IsValid(frame)) throw Corrupt(part, segment, position + offset, "CRC mismatch");
                var sequence = RecordFrame.Sequence(frame);
                if (sequence >= fromSequence)
                {
                    records.Add(new StreamRecord(
                        part.Name,
                        sequence,
                        new DateTimeOffset(RecordFrame.EnqueuedTicks(frame), TimeSpan.Zero),
                        buffer.AsMemory(offset + RecordFrame.HeaderSize, payload)));
                    lastSequence = sequence;
                }

                offset += frameSize;
            }

            if (offset == 0 && toRead < RecordFrame.HeaderSize) throw Corrupt(part, segment, position, "a partial record header at the committed end");
            position += offset;
            if (offset > 0) chunk = ReadChunkBytes;
        }

        return (position, lastSequence);
    }

    private static InvalidDataException Corrupt(PartitionLog part, LogSegment segment, long position, string what) =>
        new($"Stream partition {part.Name}, segment {segment.Path}: {what} at byte {position}. The file was changed or damaged on disk.");
}

/// <summary>Records read from one partition, and the sequence number the next read continues from.</summary>
public sealed record StreamReadResult(IReadOnlyList<StreamRecord> Records, long NextSequence);
