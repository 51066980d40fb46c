using System.Buffers;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// One segment file of a partition: the records from <see cref="BaseSequence"/> on, up to the next
/// segment's base. Keeps a sparse index (sequence → byte position, one entry per
/// <see cref="IndexInterval"/> bytes) so a read from a checkpoint seeks close to its record.
/// Segments rolled by this process and the recovered tail are indexed as they are written; older
/// segments are scanned (and validated) the first time a read or the retention needs them.
/// Reference-counted: the retention retires a segment, and its file is deleted when the last
/// reader releases it.
/// </summary>
internal sealed class LogSegment
{
    public const int IndexInterval = 8 * 1024;
    public const string Extension = ".log";

    private readonly object _sync = new();
    private readonly List<long> _indexSequences = [];
    private readonly List<long> _indexPositions = [];
    private SafeFileHandle? _readHandle;
    private bool _indexed;
    private bool _retired;
    private int _references = 1;
    private long _committedLength;

    public LogSegment(string directory, long baseSequence)
    {
        BaseSequence = baseSequence;
        Path = System.IO.Path.Combine(directory, FileName(baseSequence));
    }

    public long BaseSequence { get; }

    public string Path { get; }

    /// <summary>Bytes of complete, durable records (what readers may see).</summary>
    public long CommittedLength => Volatile.Read(ref _committedLength);

    /// <summary>Sequence number of the last committed record; -1 when there is none.</summary>
    public long LastSequence { get; private set; } = -1;

    /// <summary>When the last committed record was enqueued.</summary>
    public DateTimeOffset LastEnqueuedAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Writer-side: position of the last index entry (so the next one is due <see cref="IndexInterval"/> later).</summary>
    public long LastIndexedPosition { get; set; } = -IndexInterval;

    public bool IsIndexed
    {
        get
        {
            lock (_sync) return _indexed;
        }
    }

    public static string FileName(long baseSequence) => baseSequence.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFileName(string fileName, out long baseSequence)
    {
        baseSequence = -1;
        return fileName.EndsWith(Extension, StringComparison.Ordinal)
            && fileName.Length == 20 + Extension.Length
            && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out baseSequence);
    }

    /// <summary>Marks a segment the writer created (or the recovered tail) as indexed from the start.</summary>
    public void MarkIndexed()
    {
        lock (_sync) _indexed = true;
    }

    /// <summary>Writer-side, after a durable write: publishes the new end and the index entries.</summary>
    public void Commit(long committedLength, long lastSequence, DateTimeOffset lastEnqueuedAt, ReadOnlySpan<(long Sequence, long Position)> indexEntries)
    {
        lock (_sync)
        {
            foreach (var (seq, pos) in indexEntries)
            {
                _indexSequences.Add(seq);
                _indexPositions.Add(pos);
            }

            LastSequence = lastSequence;
            LastEnqueuedAt = lastEnqueuedAt;
            Volatile.Write(ref _committedLength, committedLength);
        }
    }

    /// <summary>The byte position to start scanning from to find <paramref name="sequence"/> (at or before it).</summary>
    public long PositionFor(long sequence)
    {
        lock (_sync)
        {
            var i = _indexSequences.BinarySearch(sequence);
            if (i < 0) i = ~i - 1;
            return i < 0 ? 0 : _indexPositions[i];
        }
    }

    /// <summary>Acquires a reference (the caller holds the partition lock, so the segment is still live).</summary>
    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        SafeFileHandle? handle;
        bool retired;
        lock (_sync)
        {
            handle = _readHandle;
            _readHandle = null;
            retired = _retired;
        }

        handle?.Dispose();
        if (retired)
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
                // Left for the next start, which reads it as an ordinary old segment.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Drops the log's own reference; the file goes when the last reader lets go.</summary>
    public void Retire(bool deleteFile)
    {
        lock (_sync) _retired = deleteFile;
        Release();
    }

    public SafeFileHandle ReadHandle()
    {
        lock (_sync)
        {
            return _readHandle ??= File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
    }

    /// <summary>
    /// Scans the file from the start: validates each frame (length, CRC, increasing sequence numbers
    /// not below the base), builds the index, and stops at the first invalid frame. Returns the
    /// length of the valid prefix. Used for the recovered tail and, lazily, for older segments.
    /// </summary>
    public ScanResult ScanAndIndex()
    {
        lock (_sync)
        {
            if (_indexed) return new ScanResult(CommittedLength, 0, LastSequence);
        }

        var handle = ReadHandle();
        var fileLength = RandomAccess.GetLength(handle);
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        var sequences = new List<long>();
        var positions = new List<long>();
        long position = 0, lastSequence = -1, lastIndexed = -IndexInterval, lastTicks = DateTimeOffset.MinValue.UtcTicks;
        var records = 0L;
        try
        {
            long windowStart = 0;
            var windowLength = 0;
            while (position < fileLength)
            {
                // Make sure the header is in the window.
                if (!EnsureWindow(handle, ref buffer, ref windowStart, ref windowLength, position, RecordFrame.HeaderSize, fileLength)) break;
                var offset = (int)(position - windowStart);
                var payload = RecordFrame.PayloadLength(buffer.AsSpan(offset));
                if (payload < 0) break;
                var frameSize = RecordFrame.FrameSize(payload);
                if (!EnsureWindow(handle, ref buffer, ref windowStart, ref windowLength, position, frameSize, fileLength)) break;
                offset = (int)(position - windowStart);
                var frame = buffer.AsSpan(offset, frameSize);
                var sequence = RecordFrame.Sequence(frame);
                if (!RecordFrame.IsValid(frame) || sequence < BaseSequence || sequence <= lastSequence) break;
                if (position - lastIndexed >= IndexInterval)
                {
                    sequences.Add(sequence);
                    positions.Add(position);
                    lastIndexed = position;
                }

                lastSequence = sequence;
                lastTicks = RecordFrame.EnqueuedTicks(frame);
                position += frameSize;
                records++;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        lock (_sync)
        {
            if (!_indexed)
            {
                _indexSequences.AddRange(sequences);
                _indexPositions.AddRange(positions);
                LastSequence = lastSequence;
                LastEnqueuedAt = new DateTimeOffset(lastTicks, TimeSpan.Zero);
                LastIndexedPosition = lastIndexed;
                Volatile.Write(ref _committedLength, position);
                _indexed = true;
            }
        }

        return new ScanResult(position, fileLength - position, lastSequence) { Records = records };
    }

    /// <summary>Makes [position, position+count) available in the buffer; false when the file ends first.</summary>
    private static bool EnsureWindow(SafeFileHandle handle, ref byte[] buffer, ref long windowStart, ref int windowLength, long position, int count, long fileLength)
    {
        if (position + count > fileLength) return false;
        if (position >= windowStart && position + count <= windowStart + windowLength) return true;
        if (count > buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(count);
        }

        var toRead = (int)Math.Min(buffer.Length, fileLength - position);
        var read = ReadFully(handle, buffer.AsSpan(0, toRead), position);
        windowStart = position;
        windowLength = read;
        return read >= count;
    }

    public static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long position)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[total..], position + total);
            if (n == 0) break;
            total += n;
        }

        return total;
    }

    public override string ToString() => Path;
}

/// <summary>The outcome of validating a segment: its valid length, how many bytes after it are not valid records, its last sequence number.</summary>
internal readonly record struct ScanResult(long ValidLength, long InvalidTailBytes, long LastSequence)
{
    public long Records { get; init; }
}
