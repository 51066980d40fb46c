using System.Buffers;
using System.Text.Json;
using Journey.Domain.Events;
using Journey.Domain.Serialization;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>Where one record's payload sits in its request's buffer, and its partition.</summary>
internal readonly record struct RecordSlice(int Partition, int Offset, int Length);

/// <summary>
/// One AppendAsync call waiting for the writer: the payloads serialized back to back into one
/// pooled buffer (on the caller's thread, so serialization runs in parallel), the partition of
/// each, and the completion the writer signals once they are durable (or failed). The writer
/// returns the buffers to the pool when it is done with the request.
/// </summary>
internal sealed class AppendRequest
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JourneyJson.Options.Encoder,
        Indented = JourneyJson.Options.WriteIndented,
    };

    private AppendRequest(byte[] buffer, RecordSlice[] records, int count, int payloadBytes, CancellationToken cancellationToken)
    {
        Buffer = buffer;
        Records = records;
        Count = count;
        PayloadBytes = payloadBytes;
        CancellationToken = cancellationToken;
    }

    public byte[] Buffer { get; private set; }

    public RecordSlice[] Records { get; private set; }

    public int Count { get; }

    public int PayloadBytes { get; }

    public long FrameBytes => PayloadBytes + ((long)Count * RecordFrame.HeaderSize);

    public CancellationToken CancellationToken { get; }

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Serializes the events (the JSON of <see cref="JourneyJson"/>) and assigns each its partition.</summary>
    public static AppendRequest FromEvents(IReadOnlyList<JourneyEvent> events, int partitions, CancellationToken cancellationToken)
    {
        var output = new PooledBufferWriter(Math.Max(256, events.Count * 512));
        var records = ArrayPool<RecordSlice>.Shared.Rent(events.Count);
        try
        {
            using var writer = new Utf8JsonWriter(output, WriterOptions);
            for (var i = 0; i < events.Count; i++)
            {
                var evt = events[i] ?? throw new ArgumentException($"Event {i} of the batch is null.", nameof(events));
                var partition = StreamPartitioner.PartitionOf(evt.ProfileKey, partitions);
                var start = output.WrittenCount;
                JourneyEventJson.Write(writer, evt);
                writer.Flush();
                writer.Reset();
                var length = output.WrittenCount - start;
                if (length > EmbeddedStreamOptions.MaxRecordBytes)
                    throw new ArgumentException($"Event {evt.MessageId} is {length} bytes, over the stream's record limit of {EmbeddedStreamOptions.MaxRecordBytes} bytes.", nameof(events));
                records[i] = new RecordSlice(partition, start, length);
            }

            return new AppendRequest(output.Detach(), records, events.Count, output.WrittenCount, cancellationToken);
        }
        catch
        {
            output.Dispose();
            ArrayPool<RecordSlice>.Shared.Return(records);
            throw;
        }
    }

    /// <summary>One raw record (any bytes) for the partition of <paramref name="partitionKey"/>.</summary>
    public static AppendRequest FromRaw(string partitionKey, ReadOnlySpan<byte> body, int partitions, CancellationToken cancellationToken)
    {
        if (body.Length > EmbeddedStreamOptions.MaxRecordBytes)
            throw new ArgumentException($"The record is {body.Length} bytes, over the stream's record limit of {EmbeddedStreamOptions.MaxRecordBytes} bytes.", nameof(body));
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, body.Length));
        body.CopyTo(buffer);
        var records = ArrayPool<RecordSlice>.Shared.Rent(1);
        records[0] = new RecordSlice(StreamPartitioner.PartitionOf(partitionKey, partitions), 0, body.Length);
        return new AppendRequest(buffer, records, 1, body.Length, cancellationToken);
    }

    public void ReturnBuffers()
    {
        if (Buffer.Length > 0) ArrayPool<byte>.Shared.Return(Buffer);
        if (Records.Length > 0) ArrayPool<RecordSlice>.Shared.Return(Records);
        Buffer = [];
        Records = [];
    }
}

/// <summary>An <see cref="IBufferWriter{T}"/> over one growing pooled array.</summary>
internal sealed class PooledBufferWriter(int initialCapacity) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int WrittenCount { get; private set; }

    public void Advance(int count) => WrittenCount += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _buffer.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _buffer.AsSpan(WrittenCount);
    }

    /// <summary>Hands the array over to the caller (who returns it to the pool).</summary>
    public byte[] Detach()
    {
        var buffer = _buffer;
        _buffer = [];
        return buffer;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Grow(int sizeHint)
    {
        var needed = WrittenCount + Math.Max(sizeHint, 256);
        if (needed <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, WrittenCount).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
