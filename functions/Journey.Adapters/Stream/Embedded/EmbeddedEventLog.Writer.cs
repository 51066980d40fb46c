using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// The writer side of <see cref="EmbeddedEventLog"/>: one thread, group commit. It drains every
/// queued append, lays the frames out in one pooled buffer (each partition's records contiguous,
/// in call order), writes them (rolling segments as needed), flushes each touched file to disk
/// once, and only then publishes the new ends to readers and completes the callers. A failure
/// truncates everything back to the last commit and faults the whole group.
/// </summary>
public sealed partial class EmbeddedEventLog
{
    private void WriterLoop()
    {
        var reader = _queue.Reader;
        var group = new List<AppendRequest>();
        try
        {
            while (true)
            {
                if (!reader.TryRead(out var first))
                {
                    if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) break;
                    continue;
                }

                group.Add(first);
                var bytes = first.FrameBytes;
                while (bytes < MaxGroupBytes && reader.TryRead(out var more))
                {
                    group.Add(more);
                    bytes += more.FrameBytes;
                }

                try
                {
                    WriteGroup(group);
                }
                catch (Exception ex)
                {
                    // Not an I/O failure (those are handled inside): a bug. Fail the callers, keep the writer alive.
                    _logger.LogError(ex, "The stream writer failed unexpectedly on a group of {Requests} appends", group.Count);
                    _needsRepair = true;
                    foreach (var request in group)
                        request.Completion.TrySetException(new StreamUnavailableException("The embedded event stream failed to write.", ex));
                }
                finally
                {
                    foreach (var request in group)
                        request.ReturnBuffers();
                    group.Clear();
                }
            }
        }
        finally
        {
            _writerExited.TrySetResult();
        }
    }

    /// <summary>One segment touched by a group write: its new end, last record and index entries.</summary>
    private readonly record struct SegmentWrite(PartitionLog Partition, LogSegment Segment, FileStream Stream, bool Created, long EndLength, long LastSequence, long LastIndexed, int IndexStart, int IndexCount);

    private void WriteGroup(List<AppendRequest> group)
    {
        // Drop the calls whose callers gave up before their events were written.
        group.RemoveAll(r =>
        {
            if (!r.CancellationToken.IsCancellationRequested) return false;
            r.Completion.TrySetCanceled(r.CancellationToken);
            r.ReturnBuffers();
            return true;
        });
        if (group.Count == 0) return;

        if (_needsRepair && !TryRepair(out var repairError))
        {
            FailGroup(group, repairError);
            return;
        }

        var now = _time.GetUtcNow();
        var ticks = now.UtcTicks;

        // Lay the frames out in one pooled buffer: each partition's frames contiguous, in call order.
        Array.Clear(_partitionBytes);
        foreach (var request in group)
        {
            for (var i = 0; i < request.Count; i++)
                _partitionBytes[request.Records[i].Partition] += RecordFrame.FrameSize(request.Records[i].Length);
        }

        long total = 0;
        for (var p = 0; p < _partitions.Length; p++)
        {
            _partitionCursor[p] = total;
            total += _partitionBytes[p];
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
            _touched.Clear();
            try
            {
                long start = 0;
                for (var p = 0; p < _partitions.Length; p++)
                {
                    if (_partitionBytes[p] > 0) WritePartition(_partitions[p], buffer, (int)start, (int)_partitionBytes[p]);
                    start += _partitionBytes[p];
                }

                BeforeFlush?.Invoke();
                FlushTouched();

                foreach (var write in _segmentWrites)
                {
                    if (write.Created) DurableFile.TryFlushDirectory(write.Partition.Directory);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                RollBack();
                FailGroup(group, ex);
                return;
            }

            Commit(now);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Interlocked.Increment(ref _groupCommits);
        foreach (var request in group)
        {
            Interlocked.Increment(ref _appendCalls);
            Interlocked.Add(ref _eventsAppended, request.Count);
            request.Completion.TrySetResult();
        }
    }

    /// <summary>
    /// Flushes every file the group wrote to disk, once each. Several files are flushed in
    /// parallel: the file system can then fold them into one journal commit, so a group costs
    /// about one disk flush however many partitions it touched.
    /// </summary>
    private void FlushTouched()
    {
        if (_touched.Count == 1)
        {
            _touched[0].Stream.Flush(flushToDisk: true);
        }
        else
        {
            try
            {
                Parallel.For(0, _touched.Count, i => _touched[i].Stream.Flush(flushToDisk: true));
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
            }
        }

        Interlocked.Add(ref _flushes, _touched.Count);
    }

    /// <summary>Writes one partition's frames, rolling to a new segment when the next frame would pass the segment size.</summary>
    private void WritePartition(PartitionLog part, byte[] buffer, int start, int count)
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
                    _segmentWrites.Add(new SegmentWrite(part, segment, stream, created, length, lastSequence, lastIndexed, indexStart, _indexEntries.Count - indexStart));
                    Touch(segment, stream);
                }

                segment = new LogSegment(part.Directory, sequence);
                _orphans.Add(segment.Path); // until committed
                stream = OpenWriteStream(segment.Path, FileMode.Create);
                _createdStreams.Add(stream);
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
        }

        if (end > chunkStart) stream.Write(buffer, chunkStart, end - chunkStart);
        _segmentWrites.Add(new SegmentWrite(part, segment, stream, created, length, lastSequence, lastIndexed, indexStart, _indexEntries.Count - indexStart));
        Touch(segment, stream);
    }

    private void Touch(LogSegment segment, FileStream stream)
    {
        foreach (var (s, _) in _touched)
        {
            if (s == segment) return;
        }

        _touched.Add((segment, stream));
    }

    /// <summary>
    /// Publishes a durable group: new segments, committed lengths, index entries and the new end of
    /// each partition, all in one critical section per partition (so a reader never sees a length
    /// without the matching end), then wakes the readers.
    /// </summary>
    private void Commit(DateTimeOffset enqueuedAt)
    {
        var entries = CollectionsMarshal.AsSpan(_indexEntries);
        var i = 0;
        while (i < _segmentWrites.Count)
        {
            var part = _segmentWrites[i].Partition;
            lock (part.Sync)
            {
                for (; i < _segmentWrites.Count && _segmentWrites[i].Partition == part; i++)
                {
                    var write = _segmentWrites[i];
                    if (write.Created)
                    {
                        part.Segments.Add(write.Segment);
                        write.Segment.MarkIndexed();
                        _orphans.Remove(write.Segment.Path);
                    }

                    if (write.LastSequence >= 0)
                        write.Segment.Commit(write.EndLength, write.LastSequence, enqueuedAt, entries.Slice(write.IndexStart, write.IndexCount));
                    write.Segment.LastIndexedPosition = write.LastIndexed;
                    if (part.Active != write.Segment)
                    {
                        part.ActiveStream.Dispose(); // sealed: flushed above, no more writes
                        part.Active = write.Segment;
                        part.ActiveStream = write.Stream;
                    }

                    part.WriterLength = write.EndLength;
                }

                part.Publish(part.WriterNext);
            }
        }

        _createdStreams.Clear(); // now the partitions' active streams, or sealed and closed above
    }

    private void FailGroup(List<AppendRequest> group, Exception error)
    {
        Interlocked.Increment(ref _failedGroups);
        _logger.LogError(error, "The embedded event stream could not write {Requests} appends; they were rolled back and the callers told to retry", group.Count);
        var failure = new StreamUnavailableException("The embedded event stream could not durably write the events.", error);
        foreach (var request in group)
            request.Completion.TrySetException(failure);
    }

    /// <summary>After a failed group: delete the segments it created and cut every partition back to what is committed.</summary>
    private void RollBack()
    {
        _needsRepair = true;
        if (!TryRepair(out var error))
            _logger.LogError(error, "The embedded event stream could not roll back a failed write; appends fail until it can");
    }

    /// <summary>Deletes uncommitted segments and cuts every partition's tail back to its committed length (reopening the files).</summary>
    private bool TryRepair(out Exception error)
    {
        error = null!;
        foreach (var stream in _createdStreams)
            stream.Dispose();
        _createdStreams.Clear();
        try
        {
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
}
