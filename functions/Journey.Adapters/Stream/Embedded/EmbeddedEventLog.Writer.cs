using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Journey.Domain.Ports;
using Microsoft.Win32.SafeHandles;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// The writer side of <see cref="EmbeddedEventLog"/>: one thread, pipelined group commit. It
/// drains every queued append, lays the frames out in one pooled buffer (each partition's records
/// contiguous, in call order) and writes them (rolling segments as needed). The flush to disk of
/// each touched file then runs on the flusher threads while the writer goes on writing the next
/// group, so up to <see cref="MaxGroupsInFlight"/> groups are being flushed at once (concurrent
/// <c>fsync</c>s share the device's cache flushes: measured, one flush at a time reached ~150 per
/// second on the benchmark machine, four at a time well over 1,000 each). Groups are committed in
/// order: only once a group and every group before it are durable does the writer publish the new
/// ends to readers and complete the callers. A failure (write or flush) fails that group and every
/// group written after it, then truncates everything back to the last commit.
/// </summary>
public sealed partial class EmbeddedEventLog
{
    /// <summary>Groups written but not yet durable at most (each waiting on its flushes).</summary>
    private const int MaxGroupsInFlight = 4;

    /// <summary>Threads that flush files to disk (each <c>fsync</c> blocks one).</summary>
    private const int FlusherThreads = 4;

    /// <summary>How many times per journal round the partition files are flushed in the background, so a checkpoint finds little left to flush.</summary>
    private const int PreflushesPerRound = 8;

    private void WriterLoop()
    {
        var reader = _queue.Reader;
        var inFlight = new Queue<GroupJob>();
        try
        {
            while (true)
            {
                // Commit what is durable, oldest first.
                while (inFlight.Count > 0 && inFlight.Peek().Done.Task.IsCompleted)
                {
                    var job = inFlight.Dequeue();
                    if (job.Error is null) CommitJob(job);
                    else FailInFlight(job, inFlight);
                }

                if (inFlight.Count < MaxGroupsInFlight && reader.TryRead(out var first))
                {
                    var group = new List<AppendRequest> { first };
                    var bytes = first.FrameBytes;
                    while (bytes < MaxGroupBytes && reader.TryRead(out var more))
                    {
                        group.Add(more);
                        bytes += more.FrameBytes;
                    }

                    if (StartGroup(group, inFlight) is { } started) inFlight.Enqueue(started);
                    continue;
                }

                if (inFlight.Count == 0)
                {
                    if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) break;
                }
                else if (inFlight.Count >= MaxGroupsInFlight)
                {
                    inFlight.Peek().Done.Task.Wait();
                }
                else
                {
                    var oldest = inFlight.Peek().Done.Task;
                    var more = reader.WaitToReadAsync().AsTask();
                    Task.WaitAny(oldest, more);
                    if (more.IsCompletedSuccessfully && !more.Result) oldest.Wait(); // closed: nothing more will come
                }
            }

            // Closed: finish what is in flight.
            FinishInFlight(inFlight);
        }
        finally
        {
            _flushQueue.Complete();
            _writerExited.TrySetResult();
        }
    }

    /// <summary>Flusher thread: flushes files (and directories of new segments) to disk for the groups in flight.</summary>
    private void FlusherLoop()
    {
        while (_flushQueue.TryTake(out var item))
        {
            try
            {
                BeforeDiskFlush?.Invoke();
                if (item.Handle is null) DurableFile.TryFlushDirectory(item.Directory!);
                else if (item.DataOnly) DurableFile.FlushData(item.Handle);
                else RandomAccess.FlushToDisk(item.Handle);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref item.Job.Error, ex, null);
            }
            finally
            {
                if (Interlocked.Decrement(ref item.Job.Pending) == 0) item.Job.Done.TrySetResult();
                AfterDiskFlush?.Invoke();
            }
        }
    }

    /// <summary>One segment touched by a group write: its new end, last record and index entries.</summary>
    private readonly record struct SegmentWrite(PartitionLog Partition, LogSegment Segment, FileStream Stream, bool Created, long EndLength, long LastSequence, int IndexStart, int IndexCount);

    /// <summary>One file (or the directory of a new segment) a group must flush before it is durable.</summary>
    private readonly record struct FlushItem(GroupJob Job, SafeFileHandle? Handle, string? Directory, bool DataOnly = false);

    /// <summary>A group written to the files and waiting for its flushes; committed in order by the writer.</summary>
    private sealed class GroupJob(List<AppendRequest> requests, DateTimeOffset enqueuedAt)
    {
        public List<AppendRequest> Requests { get; } = requests;

        public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

        public SegmentWrite[] Writes { get; set; } = [];

        public (long Sequence, long Position)[] IndexEntries { get; set; } = [];

        /// <summary>Streams of segments this group sealed: closed once it commits (or by a rollback).</summary>
        public List<FileStream> Sealed { get; } = [];

        /// <summary>The journal's position and next sequence number after this group's entries.</summary>
        public (long Position, long Sequence) JournalEnd { get; set; }

        public int Pending;

        public Exception? Error;

        public TaskCompletionSource Done { get; } = new();
    }

    /// <summary>
    /// Writes a group and hands its flushes to the flusher threads; null when nothing was left to
    /// write or the write failed (its callers are then failed, after the groups before it).
    /// </summary>
    private GroupJob? StartGroup(List<AppendRequest> group, Queue<GroupJob> inFlight)
    {
        // Drop the calls whose callers gave up before their events were written.
        group.RemoveAll(r =>
        {
            if (!r.CancellationToken.IsCancellationRequested) return false;
            r.Completion.TrySetCanceled(r.CancellationToken);
            r.ReturnBuffers();
            return true;
        });
        if (group.Count == 0) return null;

        if (_needsRepair && !TryRepair(out var repairError))
        {
            FailRequests(group, repairError);
            return null;
        }

        var job = new GroupJob(group, _time.GetUtcNow());
        try
        {
            var journalBytes = group.Sum(r => r.FrameBytes) + ((long)_partitions.Length * StreamJournal.EntryOverhead);
            if (!_journal.Fits(journalBytes))
            {
                // The journal is full: once the groups in flight are committed, checkpoint and start it over.
                FinishInFlight(inFlight);
                Checkpoint();
            }

            WriteGroup(job);
            if (_journal.Position - _preflushedAt >= _options.JournalBytes / PreflushesPerRound) StartPreflush();
            BeforeFlush?.Invoke();
        }
        catch (Exception ex)
        {
            foreach (var request in group)
                request.ReturnBuffers();

            // What is already in flight was written before this group: let it finish, then roll back.
            FinishInFlight(inFlight);

            RollBack();
            if (ex is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                FailRequests(group, ex);
            }
            else
            {
                // Not an I/O failure: a bug. Fail the callers, keep the writer alive.
                _logger.WriterFailed(ex, group.Count);
                Interlocked.Increment(ref _failedGroups);
                foreach (var request in group)
                {
                    request.Completion.TrySetException(new StreamUnavailableException("The embedded event stream failed to write.", ex));
                    request.ReturnBuffers();
                }
            }

            return null;
        }

        // Hand the flushes over: the journal (which holds the whole group), and where segments
        // rolled, the sealed files and the folders of the new ones (a checkpoint never sees those).
        var items = new List<FlushItem>(1 + job.Sealed.Count) { new(job, _journal.Handle, null, DataOnly: true) };
        foreach (var sealedStream in job.Sealed)
            items.Add(new FlushItem(job, sealedStream.SafeFileHandle, null));
        foreach (var write in job.Writes)
        {
            if (write.Created) items.Add(new FlushItem(job, null, write.Partition.Directory));
        }

        foreach (var request in group)
            request.ReturnBuffers(); // copied into the files: the callers' buffers go back to the pool now

        job.Pending = items.Count;
        Interlocked.Add(ref _flushes, items.Count(i => i.Handle is not null));
        foreach (var item in items)
            _flushQueue.Add(item);
        return job;
    }

    /// <summary>Lays the group's frames out and writes them, advancing the writer's view of each partition (not yet what readers see).</summary>
    private void WriteGroup(GroupJob job)
    {
        var group = job.Requests;
        var ticks = job.EnqueuedAt.UtcTicks;

        // Lay the frames out in one pooled buffer: each partition's frames contiguous, in call order.
        Array.Clear(_partitionBytes);
        foreach (var request in group)
        {
            for (var i = 0; i < request.Count; i++)
                _partitionBytes[request.Records[i].Partition] += RecordFrame.FrameSize(request.Records[i].Length);
        }

        // Each partition's frames follow the header of its journal entry.
        long total = 0;
        for (var p = 0; p < _partitions.Length; p++)
        {
            if (_partitionBytes[p] == 0) continue;
            _partitionCursor[p] = total + StreamJournal.EntryOverhead;
            total += StreamJournal.EntryOverhead + _partitionBytes[p];
        }

        var buffer = ArrayPool<byte>.Shared.Rent(checked((int)total));
        try
        {
            foreach (var request in group)
            {
                for (var i = 0; i < request.Count; i++)
                {
                    var slice = request.Records[i];
                    var part = _partitions[slice.Partition];
                    var at = (int)_partitionCursor[slice.Partition];
                    var sequence = part.WriterNext;
                    part.WriterNext = sequence + 1;
                    RecordFrame.Write(buffer.AsSpan(at), sequence, ticks, request.Buffer.AsSpan(slice.Offset, slice.Length));
                    _partitionCursor[slice.Partition] = at + RecordFrame.FrameSize(slice.Length);
                }
            }

            _segmentWrites.Clear();
            _indexEntries.Clear();
            long start = 0;
            for (var p = 0; p < _partitions.Length; p++)
            {
                if (_partitionBytes[p] == 0) continue;
                var entry = _journal.LayEntry(buffer.AsSpan((int)start, StreamJournal.EntryOverhead + (int)_partitionBytes[p]), p, ticks);
                WritePartition(job, _partitions[p], buffer, (int)start + StreamJournal.EntryOverhead, (int)_partitionBytes[p]);
                start += entry;
            }

            _journal.Append(buffer.AsSpan(0, (int)total));
            _journal.Advance(total);
            job.JournalEnd = (_journal.Position, _journal.NextSequence);
            job.Writes = [.. _segmentWrites];
            job.IndexEntries = [.. _indexEntries];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes one partition's frames, rolling to a new segment when the next frame would pass the segment size.</summary>
    private void WritePartition(GroupJob job, PartitionLog part, byte[] buffer, int start, int count)
    {
        var segment = part.Active;
        var stream = part.ActiveStream;
        var length = part.WriterLength;
        var created = false;
        var lastIndexed = segment.LastIndexedPosition;
        var lastSequence = -1L;
        var indexStart = _indexEntries.Count;
        var chunkStart = start;
        var end = start + count;
        var at = start;
        while (at < end)
        {
            var frame = buffer.AsSpan(at);
            var frameSize = RecordFrame.FrameSize(RecordFrame.PayloadLength(frame));
            var sequence = RecordFrame.Sequence(frame);
            if (length > 0 && length + frameSize > _options.SegmentBytes)
            {
                if (at > chunkStart)
                {
                    stream.Write(buffer, chunkStart, at - chunkStart);
                    _segmentWrites.Add(new SegmentWrite(part, segment, stream, created, length, lastSequence, indexStart, _indexEntries.Count - indexStart));
                }

                // The writer moves on to the new segment now; readers see it when the group commits.
                segment.LastIndexedPosition = lastIndexed;
                job.Sealed.Add(stream);
                _sealedStreams.Add(stream);
                segment = new LogSegment(part.Directory, sequence);
                _orphans.Add(segment.Path); // until committed
                stream = OpenWriteStream(segment.Path, FileMode.Create);
                _createdStreams.Add(stream);
                part.Active = segment;
                part.ActiveStream = stream;
                created = true;
                length = 0;
                lastIndexed = segment.LastIndexedPosition;
                indexStart = _indexEntries.Count;
                chunkStart = at;
            }

            if (length - lastIndexed >= LogSegment.IndexInterval)
            {
                _indexEntries.Add((sequence, length));
                lastIndexed = length;
            }

            lastSequence = sequence;
            length += frameSize;
            at += frameSize;
            part.WriterLength = length;
        }

        if (end > chunkStart) stream.Write(buffer, chunkStart, end - chunkStart);
        segment.LastIndexedPosition = lastIndexed;
        _segmentWrites.Add(new SegmentWrite(part, segment, stream, created, length, lastSequence, indexStart, _indexEntries.Count - indexStart));
    }

    /// <summary>
    /// Publishes a durable group: new segments, committed lengths, index entries and the new end of
    /// each partition, all in one critical section per partition (so a reader never sees a length
    /// without the matching end), wakes the readers and completes the callers.
    /// </summary>
    private void CommitJob(GroupJob job)
    {
        var entries = job.IndexEntries.AsSpan();
        var writes = job.Writes;
        var i = 0;
        while (i < writes.Length)
        {
            var part = writes[i].Partition;
            var next = part.CommittedNext;
            lock (part.Sync)
            {
                for (; i < writes.Length && writes[i].Partition == part; i++)
                {
                    var write = writes[i];
                    if (write.Created)
                    {
                        part.Segments.Add(write.Segment);
                        write.Segment.MarkIndexed();
                        _orphans.Remove(write.Segment.Path);
                        _createdStreams.Remove(write.Stream);
                    }

                    if (write.LastSequence >= 0)
                    {
                        write.Segment.Commit(write.EndLength, write.LastSequence, job.EnqueuedAt, entries.Slice(write.IndexStart, write.IndexCount));
                        next = write.LastSequence + 1;
                    }
                }

                part.Publish(next);
            }
        }

        foreach (var stream in job.Sealed)
        {
            stream.Dispose(); // sealed: flushed by this group or an earlier one, no more writes
            _sealedStreams.Remove(stream);
        }

        _journalCommitted = job.JournalEnd;
        Interlocked.Increment(ref _groupCommits);
        foreach (var request in job.Requests)
        {
            Interlocked.Increment(ref _appendCalls);
            Interlocked.Add(ref _eventsAppended, request.Count);
            request.Completion.TrySetResult();
            request.ReturnBuffers();
        }
    }

    /// <summary>
    /// A group failed to flush: it and every group written after it (their records lie behind its
    /// in the files) are failed once their own flushes are over, and the files cut back to the last commit.
    /// </summary>
    private void FailInFlight(GroupJob failed, Queue<GroupJob> inFlight)
    {
        var later = new List<GroupJob>();
        while (inFlight.Count > 0)
        {
            var job = inFlight.Dequeue();
            job.Done.Task.Wait();
            later.Add(job);
        }

        RollBack();
        FailRequests(failed.Requests, failed.Error!);
        foreach (var job in later)
            FailRequests(job.Requests, job.Error ?? failed.Error!);
    }

    private void FailRequests(List<AppendRequest> group, Exception error)
    {
        Interlocked.Increment(ref _failedGroups);
        _logger.GroupRolledBack(error, group.Count);
        var failure = new StreamUnavailableException("The embedded event stream could not durably write the events.", error);
        foreach (var request in group)
        {
            request.Completion.TrySetException(failure);
            request.ReturnBuffers();
        }
    }

    /// <summary>After a failed group: delete the segments it created and cut every partition back to what is committed.</summary>
    private void RollBack()
    {
        _needsRepair = true;
        if (!TryRepair(out var error))
            _logger.RollbackFailed(error);
    }

    /// <summary>
    /// Deletes uncommitted segments, cuts every partition's tail back to its committed length
    /// (reopening the files) and the journal back to its last committed entry. Only called with no
    /// group in flight.
    /// </summary>
    private bool TryRepair(out Exception error)
    {
        error = null!;
        foreach (var stream in _createdStreams)
            stream.Dispose();
        _createdStreams.Clear();
        foreach (var stream in _sealedStreams)
            stream.Dispose();
        _sealedStreams.Clear();
        try
        {
            // First the journal, so that an open after a failed repair never writes the failed groups back.
            _journal.ResetTo(_journalCommitted.Position, _journalCommitted.Sequence);
            foreach (var orphan in _orphans.ToList())
            {
                File.Delete(orphan);
                _orphans.Remove(orphan);
            }

            foreach (var part in _partitions)
            {
                long committedLength;
                LogSegment tail;
                lock (part.Sync)
                {
                    tail = part.Segments[^1];
                    committedLength = tail.CommittedLength;
                }

                part.ActiveStream.Dispose();
                part.ActiveStream = OpenWriteStream(tail.Path, FileMode.Open);
                part.ActiveStream.SetLength(committedLength);
                part.ActiveStream.Flush(flushToDisk: true);
                part.ActiveStream.Position = committedLength;
                part.Active = tail;
                part.WriterLength = committedLength;
                part.WriterNext = part.CommittedNext;
            }

            _needsRepair = false;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _needsRepair = true;
            error = ex;
            return false;
        }
    }

    /// <summary>Waits for every group in flight, oldest first, and commits it (or fails it and every group behind it).</summary>
    private void FinishInFlight(Queue<GroupJob> inFlight)
    {
        while (inFlight.Count > 0)
        {
            var job = inFlight.Dequeue();
            job.Done.Task.Wait();
            if (job.Error is null) CommitJob(job);
            else FailInFlight(job, inFlight);
        }
    }

    /// <summary>
    /// Starts flushing the partitions' open segments on a pool thread (unless a flush is still
    /// running): the checkpoint at the end of the journal round then stalls the writer only for
    /// what was written since. Best effort; the checkpoint's own flushes are what count.
    /// </summary>
    private void StartPreflush()
    {
        if (Interlocked.CompareExchange(ref _preflushing, 1, 0) != 0) return;
        _preflushedAt = _journal.Position;
        var handles = new List<SafeFileHandle>(_partitions.Length);
        foreach (var part in _partitions)
        {
            var handle = part.ActiveStream.SafeFileHandle;
            var added = false;
            handle.DangerousAddRef(ref added); // the writer may close a rolled segment meanwhile
            if (added) handles.Add(handle);
        }

        ThreadPool.UnsafeQueueUserWorkItem(
            state =>
            {
                foreach (var handle in state)
                {
                    try
                    {
                        RandomAccess.FlushToDisk(handle);
                    }
                    catch (IOException)
                    {
                        // the checkpoint flushes again and reports
                    }
                    finally
                    {
                        handle.DangerousRelease();
                    }
                }

                Volatile.Write(ref _preflushing, 0);
            },
            handles,
            preferLocal: false);
    }

    /// <summary>
    /// Flushes every partition's open segment and folder to disk (everything the journal holds is
    /// then in the partition files for good) and starts the journal over. Only with no group in flight.
    /// </summary>
    private void Checkpoint()
    {
        _preflushedAt = 0;
        foreach (var part in _partitions)
        {
            part.ActiveStream.Flush(flushToDisk: true);
            DurableFile.TryFlushDirectory(part.Directory);
        }

        _journal.ResetTo(0, _journal.NextSequence);
        _journalCommitted = (0, _journal.NextSequence);
        Interlocked.Increment(ref _checkpoints);
    }

    /// <summary>
    /// The flushers' work queue. A blocked flusher sleeps on a <see cref="Semaphore"/>, which does not
    /// spin before it blocks (BlockingCollection's SemaphoreSlim does: measured, its spinning took
    /// two thirds of the flusher threads' CPU on two cores).
    /// </summary>
    private sealed class FlushQueue : IDisposable
    {
        private readonly ConcurrentQueue<FlushItem> _items = new();
        private readonly Semaphore _available = new(0, int.MaxValue);
        private volatile bool _completed;

        public void Add(FlushItem item)
        {
            _items.Enqueue(item);
            _available.Release();
        }

        /// <summary>Waits for an item; false once <see cref="Complete"/> was called and the queue is empty.</summary>
        public bool TryTake(out FlushItem item)
        {
            while (true)
            {
                if (_items.TryDequeue(out item)) return true;
                if (_completed) return false;
                _available.WaitOne();
            }
        }

        /// <summary>No more items: wakes every flusher so each exits once the queue is empty.</summary>
        public void Complete()
        {
            _completed = true;
            _available.Release(FlusherThreads);
        }

        public void Dispose() => _available.Dispose();
    }
}
