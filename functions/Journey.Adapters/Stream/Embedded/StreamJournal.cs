using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// The write-ahead journal of the embedded log (<c>stream/journal.log</c>), as in BookKeeper's
/// bookies: every group is written to the partition files (not flushed) and, as one sequential
/// write, to the journal, and only the journal is flushed before the group is acknowledged. One
/// flush per group, whatever the number of partitions it touched. The partition files are flushed
/// when the journal is full (a checkpoint) and when the log closes; then the journal starts over
/// at its beginning. The file is written full of zeros when created, so the journal always
/// overwrites itself within its size and its flush is a data-only <c>fdatasync</c>.
/// <para>
/// An entry is one partition's frames of one group, framed like a record
/// (<see cref="RecordFrame"/>: length, CRC-32C, journal sequence number, time) with the partition
/// index before the frames. On open, the entries from the start of the file with consecutive
/// sequence numbers and good CRCs are read back, and the records the partition files lack (a
/// power loss took their unflushed tail) are appended to them again. A checkpoint clears the first
/// entry, so entries of an earlier round are never read back.
/// </para>
/// </summary>
internal sealed class StreamJournal : IDisposable
{
    public const string FileName = "journal.log";

    /// <summary>Bytes an entry adds before a partition's frames: the frame header and the partition index.</summary>
    public const int EntryOverhead = RecordFrame.HeaderSize + sizeof(int);

    private readonly SafeFileHandle _handle;

    private StreamJournal(string path, SafeFileHandle handle, long capacity)
    {
        Path = path;
        _handle = handle;
        Capacity = capacity;
        NextSequence = Random.Shared.NextInt64(1L << 40, 1L << 62); // a fresh round never continues an old one by chance
    }

    public string Path { get; }

    public SafeFileHandle Handle => _handle;

    /// <summary>The size the journal starts over at (a single bigger group still goes in whole, growing the file).</summary>
    public long Capacity { get; }

    /// <summary>Where the writer puts the next entry.</summary>
    public long Position { get; private set; }

    /// <summary>The journal sequence number of the next entry.</summary>
    public long NextSequence { get; private set; }

    public static StreamJournal Open(string directory, long capacity)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        var created = !File.Exists(path);
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            Preallocate(handle, capacity);
            if (created) DurableFile.TryFlushDirectory(directory);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return new StreamJournal(path, handle, capacity);
    }

    /// <summary>
    /// Writes zeros up to the capacity (once, when the file is new or the capacity grew): the
    /// journal's writes then never change its size, so flushing them is data-only from the first
    /// round on. Zeros read as the end of the journal.
    /// </summary>
    private static void Preallocate(SafeFileHandle handle, long capacity)
    {
        var length = RandomAccess.GetLength(handle);
        if (length >= capacity) return;
        var zeros = new byte[(int)Math.Min(1 << 20, capacity)];
        for (var at = length; at < capacity; at += zeros.Length)
            RandomAccess.Write(handle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, capacity - at)), at);
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>True when <paramref name="bytes"/> more fit before the capacity (or the journal is at its start, where anything goes).</summary>
    public bool Fits(long bytes) => Position == 0 || Position + bytes <= Capacity;

    /// <summary>Writes entries laid out with <see cref="LayEntry"/> at the current position (not yet flushed).</summary>
    public void Append(ReadOnlySpan<byte> entries) => RandomAccess.Write(_handle, entries, Position);

    /// <summary>
    /// Writes the header of one entry whose frames are already in place after
    /// <see cref="EntryOverhead"/> bytes; returns the entry's size.
    /// </summary>
    public int LayEntry(Span<byte> entry, int partition, long enqueuedTicks)
    {
        BinaryPrimitives.WriteInt32LittleEndian(entry[RecordFrame.HeaderSize..], partition);
        RecordFrame.Seal(entry, NextSequence, enqueuedTicks);
        NextSequence++;
        return entry.Length;
    }

    /// <summary>Moves the writer's position past entries just written.</summary>
    public void Advance(long bytes) => Position += bytes;

    /// <summary>Flushes what was written (data only where the platform allows).</summary>
    public void Flush() => DurableFile.FlushData(_handle);

    /// <summary>
    /// Goes back to a position (and the sequence number written there): a rollback after a failed
    /// group, or the start after a checkpoint. The entry at that position is cleared and flushed,
    /// so nothing after it is read back on open.
    /// </summary>
    public void ResetTo(long position, long sequence)
    {
        Span<byte> zeros = stackalloc byte[EntryOverhead];
        zeros.Clear();
        if (position < RandomAccess.GetLength(_handle)) RandomAccess.Write(_handle, zeros, position);
        Flush();
        Position = position;
        NextSequence = sequence;
    }

    /// <summary>
    /// The entries of the current round, oldest first: from the start of the file while the frames
    /// are whole, their CRCs match and their sequence numbers follow one another.
    /// </summary>
    public IEnumerable<(int Partition, ReadOnlyMemory<byte> Frames)> ReadEntries()
    {
        var length = RandomAccess.GetLength(_handle);
        var header = new byte[EntryOverhead];
        long position = 0;
        long? expected = null;
        while (position + EntryOverhead <= length)
        {
            if (LogSegment.ReadFully(_handle, header, position) < EntryOverhead) yield break;
            var payload = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (payload < sizeof(int) || position + RecordFrame.HeaderSize + payload > length) yield break;
            var entry = new byte[RecordFrame.HeaderSize + payload];
            if (LogSegment.ReadFully(_handle, entry, position) < entry.Length || !RecordFrame.IsValid(entry)) yield break;
            var sequence = RecordFrame.Sequence(entry);
            if (expected is { } next && sequence != next) yield break;
            expected = sequence + 1;
            NextSequence = sequence + 1;
            var partition = BinaryPrimitives.ReadInt32LittleEndian(entry.AsSpan(RecordFrame.HeaderSize));
            yield return (partition, entry.AsMemory(EntryOverhead));
            position += entry.Length;
        }
    }

    public void Dispose() => _handle.Dispose();
}
