using System.Globalization;
using System.Text;
using System.Text.Json;
using Journey.Domain.Ports;

namespace Journey.Functions.Invocations;

/// <summary>
/// Maps an Event Hubs trigger invocation (cardinality many) to the processor's stream records:
/// the partition from <c>PartitionContext.PartitionId</c>, each event's sequence number and
/// enqueued time from <c>SequenceNumberArray</c>/<c>EnqueuedTimeUtcArray</c> (or, failing those,
/// from <c>SystemPropertiesArray</c>), and its body as sent.
/// </summary>
public static class EventHubBatch
{
    public const string EventsBinding = "events";

    public static IReadOnlyList<StreamRecord> Read(HostInvocation invocation)
    {
        var events = invocation.Binding(EventsBinding)
            ?? throw new InvocationFormatException($"The invocation has no Data.{EventsBinding} (the trigger binding's name in function.json).");
        if (events.ValueKind != JsonValueKind.Array)
            throw new InvocationFormatException($"Data.{EventsBinding} is {events.ValueKind}, not an array: set cardinality 'many' in function.json.");

        var partition = PartitionId(invocation);
        var sequences = invocation.MetaArray("SequenceNumberArray");
        var enqueued = invocation.MetaArray("EnqueuedTimeUtcArray");
        var system = invocation.MetaArray("SystemPropertiesArray");
        var items = events.EnumerateArray().ToList();
        var records = new List<StreamRecord>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var systemProperties = system is not null && i < system.Count ? HostInvocation.Decode(system[i]) : null;
            var sequence = At(sequences, i) is { } s ? Int64(s)
                : Property(systemProperties, "x-opt-sequence-number") is { } ss ? Int64(ss)
                : throw new InvocationFormatException($"No sequence number for event {i}: SequenceNumberArray and SystemPropertiesArray are both missing or short.");
            var time = At(enqueued, i) is { } t ? Time(t)
                : Property(systemProperties, "x-opt-enqueued-time") is { } st ? Time(st)
                : DateTimeOffset.UnixEpoch;
            records.Add(new StreamRecord(partition, sequence, time, Body(items[i])));
        }
        return records;
    }

    private static string PartitionId(HostInvocation invocation)
    {
        var context = invocation.Meta("PartitionContext");
        var id = Property(context, "PartitionId");
        return id switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString()!,
            { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
            _ => throw new InvocationFormatException("Metadata.PartitionContext.PartitionId is missing."),
        };
    }

    /// <summary>The event body as the producer sent it: a string's text, or the raw JSON of anything else.</summary>
    private static ReadOnlyMemory<byte> Body(JsonElement item) => item.ValueKind == JsonValueKind.String
        ? Encoding.UTF8.GetBytes(item.GetString()!)
        : Encoding.UTF8.GetBytes(item.GetRawText());

    private static JsonElement? At(IReadOnlyList<JsonElement>? list, int i) => list is not null && i < list.Count ? list[i] : null;

    private static JsonElement? Property(JsonElement? obj, string name)
    {
        if (obj is not { ValueKind: JsonValueKind.Object } o) return null;
        foreach (var p in o.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        }
        return null;
    }

    private static long Int64(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetInt64(),
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => throw new InvocationFormatException($"'{value.GetRawText()}' is not a sequence number."),
    };

    private static DateTimeOffset Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new InvocationFormatException($"'{value.GetRawText()}' is not an enqueued time.");
}
