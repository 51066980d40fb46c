using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Journey.Functions.Import;

/// <summary>
/// Deterministic ids for imported events, so that importing the same file again produces the
/// same message ids and the processor drops the second copy: a SHA-256 prefix of the source
/// name, the line number and the line's bytes. Not thread-safe: one instance per reader.
/// </summary>
internal sealed class ImportIds : IDisposable
{
    public const string MessageIdPrefix = "import-";

    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] source;

    public ImportIds(string sourceName) => source = Encoding.UTF8.GetBytes(sourceName);

    /// <summary>"import-" and 32 hex digits (128 bits) of the hash of source, line number and line content.</summary>
    public string MessageId(long line, ReadOnlySpan<byte> lineContent)
    {
        Span<byte> number = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(number, line);
        hash.AppendData(source);
        hash.AppendData([0]);
        hash.AppendData(number);
        hash.AppendData(lineContent);
        return MessageIdPrefix + Hex();
    }

    /// <summary>The message id of a line held as text.</summary>
    public string MessageId(long line, string lineContent) => MessageId(line, Encoding.UTF8.GetBytes(lineContent));

    /// <summary>
    /// An order id for a purchase row of a data set that has none: "{source}-" and 32 hex
    /// digits of the hash of the parts that identify the purchase (user, session, product, time).
    /// </summary>
    public string OrderId(params ReadOnlySpan<string?> parts)
    {
        hash.AppendData(source);
        foreach (var part in parts)
        {
            hash.AppendData([0]);
            if (part is not null) hash.AppendData(Encoding.UTF8.GetBytes(part));
        }
        return Encoding.UTF8.GetString(source) + "-" + Hex();
    }

    /// <summary>
    /// "import-" and 32 hex digits of the hash of the source and <paramref name="parts"/>: the
    /// message id of an event that stands for a thing rather than a line (an order by its id), so
    /// the same order read from another layout of the same data set gets the same id.
    /// </summary>
    public string MessageIdOf(params ReadOnlySpan<string> parts)
    {
        hash.AppendData(source);
        foreach (var part in parts)
        {
            hash.AppendData([0]);
            hash.AppendData(Encoding.UTF8.GetBytes(part));
        }
        return MessageIdPrefix + Hex();
    }

    private string Hex()
    {
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest[..16]);
    }

    public void Dispose() => hash.Dispose();
}
