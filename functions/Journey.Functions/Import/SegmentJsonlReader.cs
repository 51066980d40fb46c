using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Journey.Domain.Collection;

namespace Journey.Functions.Import;

/// <summary>
/// Reads Segment JSONL: one Segment message per line, as the HTTP Tracking API takes it. Each line
/// goes through the collector's <see cref="SegmentMessageReader"/> as stored history
/// (<see cref="CollectorContext.Historical"/>): the line's own timestamp (and receivedAt, when it
/// has one) is kept, and a line without a messageId gets one derived from its bytes, so importing
/// the file again yields the same ids. A line the reader refuses is rejected with its error.
/// Blank lines are skipped; lines are read as bytes, and one longer than
/// <see cref="MaxLineBytes"/> is skipped without being held in memory.
/// </summary>
internal sealed class SegmentJsonlReader : IImportReader
{
    public const string InvalidJson = "invalid JSON";
    public const int MaxLineBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };

    private readonly string source;
    private readonly TimeProvider clock;

    public SegmentJsonlReader(string sourceName, TimeProvider clock)
    {
        source = "import:" + sourceName;
        this.clock = clock;
    }

    public static string LineTooLong => $"line over {MaxLineBytes / 1024 / 1024} MB (a Segment message may be at most {CollectionLimits.MaxMessageBytes / 1024} KB)";

    public async IAsyncEnumerable<ImportRecord> ReadAsync(Stream input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pipe = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
        try
        {
            long line = 0;
            var skippingLongLine = false;
            while (true)
            {
                var read = await pipe.ReadAsync(cancellationToken);
                var buffer = read.Buffer;

                while (TryTakeLine(ref buffer, out var lineBytes))
                {
                    line++;
                    if (skippingLongLine || lineBytes.Length > MaxLineBytes)
                    {
                        skippingLongLine = false;
                        yield return ImportRecord.Rejected(line, LineTooLong);
                        continue;
                    }
                    if (Convert(lineBytes, line, line == 1) is { } record)
                        yield return record;
                }

                if (read.IsCompleted)
                {
                    if (skippingLongLine || buffer.Length > MaxLineBytes)
                    {
                        yield return ImportRecord.Rejected(++line, LineTooLong);
                    }
                    else if (!buffer.IsEmpty && Convert(buffer, ++line, line == 1) is { } last)
                    {
                        yield return last;
                    }
                    pipe.AdvanceTo(buffer.End);
                    break;
                }

                if (buffer.Length > MaxLineBytes)
                {
                    // Drop what there is of the line; the rest goes when its line break comes.
                    skippingLongLine = true;
                    pipe.AdvanceTo(buffer.End);
                }
                else
                {
                    pipe.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        finally
        {
            await pipe.CompleteAsync();
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    /// <summary>The record of one line; null for a blank line.</summary>
    private ImportRecord? Convert(ReadOnlySequence<byte> bytes, long line, bool first)
    {
        var span = bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray();
        if (first && span.StartsWith("\uFEFF"u8)) span = span[3..];
        if (span.Length > 0 && span[^1] == (byte)'\r') span = span[..^1];
        if (span.Trim(" \t"u8).IsEmpty) return null;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(span.ToArray(), JsonOptions);
        }
        catch (JsonException)
        {
            return ImportRecord.Rejected(line, InvalidJson);
        }

        using (document)
        {
            var context = new CollectorContext
            {
                ReceivedAt = clock.GetUtcNow(),
                Source = source,
                Historical = true,
            };
            var result = SegmentMessageReader.Read(document.RootElement, routeType: null, span.Length, context);
            return result.IsSuccess
                ? ImportRecord.Accepted(line, result.Event!)
                : ImportRecord.Rejected(line, result.Error.Error);
        }
    }
}
