using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// The framing of one record in a segment file, little-endian:
/// <c>[int32 payload length][uint32 CRC-32C][int64 sequence number][int64 enqueued-at UTC ticks][payload]</c>.
/// The CRC covers everything after it (sequence number, time and payload), so a torn or corrupt
/// header is caught as well as a corrupt payload.
/// </summary>
internal static class RecordFrame
{
    public const int HeaderSize = 24;

    public static int FrameSize(int payloadLength) => HeaderSize + payloadLength;

    /// <summary>Writes a frame (header + payload) to <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, long sequence, long enqueuedTicks, ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(destination[HeaderSize..]);
        Seal(destination[..FrameSize(payload.Length)], sequence, enqueuedTicks);
    }

    /// <summary>Writes the header of a frame whose payload is already in place after it.</summary>
    public static void Seal(Span<byte> frame, long sequence, long enqueuedTicks)
    {
        BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length - HeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(frame[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(frame[16..], enqueuedTicks);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc(frame[8..]));
    }

    /// <summary>The payload length in a header, or -1 when it cannot be a valid frame.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        return length is < 0 or > EmbeddedStreamOptions.MaxRecordBytes ? -1 : length;
    }

    public static long Sequence(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadInt64LittleEndian(frame[8..]);

    public static long EnqueuedTicks(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadInt64LittleEndian(frame[16..]);

    /// <summary>True when the CRC of a whole frame matches its contents and its time is a valid UTC time.</summary>
    public static bool IsValid(ReadOnlySpan<byte> frame)
    {
        var ticks = EnqueuedTicks(frame);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
        return BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]) == Crc(frame[8..]);
    }

    /// <summary>CRC-32C (Castagnoli), hardware-accelerated where the CPU has it.</summary>
    public static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var w in words)
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? w : BinaryPrimitives.ReverseEndianness(w));
        foreach (var b in data[(words.Length * sizeof(ulong))..])
            crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
