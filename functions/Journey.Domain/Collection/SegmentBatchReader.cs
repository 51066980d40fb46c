using System.Globalization;
using System.Text.Json;
using Journey.Domain.Events;

namespace Journey.Domain.Collection;

/// <summary>
/// Reads a <c>/v1/batch</c> (or analytics.js <c>/v1/b</c>) body:
/// <c>{"batch": [messages], "sentAt": "...", "context": {...}, "writeKey": "..."}</c>.
/// <list type="bullet">
/// <item>The body is a JSON object of at most 500 KB [body, batch].</item>
/// <item>Every string and property name in it is valid UTF-8, checked over the whole body first
/// [its path: <c>batch[3].userId</c>, <c>batch[3].properties.sku</c>, <c>context.page.url</c>; for a bad
/// property name the object holding it: <c>batch[3].traits</c>, <c>batch[3]</c>, body].</item>
/// <item><c>batch</c> is a non-empty array [batch]; every item is a message with its own <c>type</c>.</item>
/// <item>The batch's <c>sentAt</c> applies to items without their own; the batch's <c>context</c>
/// lies under each item's: an item's field wins, a field it lacks comes from the batch
/// (page.url from the item and page.referrer from the batch, say); <c>context.traits</c> is
/// taken whole from the item, else from the batch.</item>
/// <item>All or nothing: the first invalid item rejects the batch, with its position in the field
/// (<c>batch[3].messageId</c>), so the client can fix and resend it whole.</item>
/// </list>
/// The write key is not read here: the endpoint authenticates it before reading.
/// </summary>
public static class SegmentBatchReader
{
    /// <summary>Reads a batch whose raw size is taken from the parsed JSON.</summary>
    public static CollectionResult Read(JsonElement body, CollectorContext context) =>
        Read(body, JsonFields.RawSize(body), context);

    /// <summary>Reads a batch; <paramref name="rawSizeBytes"/> is the body's raw UTF-8 size.</summary>
    public static CollectionResult Read(JsonElement body, int rawSizeBytes, CollectorContext context)
    {
        var prefix = context.FieldPrefix;
        if (body.ValueKind != JsonValueKind.Object)
            return Fail(prefix + "body", $"a batch must be a JSON object like {{\"batch\": [...]}}, not {JsonFields.Describe(body.ValueKind)}");
        if (rawSizeBytes > CollectionLimits.MaxBatchBytes)
            return Fail(prefix + "batch", $"the batch is {rawSizeBytes} bytes; the limit is {CollectionLimits.MaxBatchBytes} bytes (500 KB)");
        if (Utf8Text.FindInvalid(body) is { } invalidText)
            return Fail(prefix + (invalidText.Field.Length == 0 ? "body" : invalidText.Field), invalidText.Error);

        var items = JsonFields.Get(body, "batch");
        if (items is null)
            return Fail(prefix + "batch", "batch is missing; a batch body is {\"batch\": [message, ...]}");
        if (items.Value.ValueKind != JsonValueKind.Array)
            return Fail(prefix + "batch", $"batch must be an array of messages, not {JsonFields.Describe(items.Value.ValueKind)}");
        var count = items.Value.GetArrayLength();
        if (count == 0)
            return Fail(prefix + "batch", "batch is empty; send at least one message");

        DateTimeOffset? sentAt = null;
        if (JsonFields.Get(body, "sentAt") is { } sentAtValue)
        {
            if (!JsonFields.TryGetTime(sentAtValue, out var parsed))
                return Fail(prefix + "sentAt", $"sentAt {JsonFields.Quote(sentAtValue.ValueKind == JsonValueKind.String ? sentAtValue.GetString() : sentAtValue.GetRawText())} is not an ISO 8601 date-time (e.g. \"2024-05-01T12:30:00.000Z\")");
            sentAt = parsed;
        }

        var batchContext = JsonFields.Get(body, "context");
        if (batchContext is { ValueKind: not JsonValueKind.Object } wrongContext)
            return Fail(prefix + "context", $"context must be a JSON object, not {JsonFields.Describe(wrongContext.ValueKind)}");

        var defaults = new SegmentMessageReader.BatchDefaults(sentAt, batchContext);
        var events = new JourneyEvent[count];
        var index = 0;
        foreach (var item in items.Value.EnumerateArray())
        {
            var result = SegmentMessageReader.ReadCore(item, routeType: null, JsonFields.RawSize(item), context, defaults, textChecked: true);
            if (!result.IsSuccess)
            {
                var position = string.Create(CultureInfo.InvariantCulture, $"{prefix}batch[{index}]");
                var field = result.Error.Field.Length == 0 ? position : position + "." + result.Error.Field;
                return Fail(field, result.Error.Error);
            }
            events[index++] = result.Events[0];
        }
        return CollectionResult.Success(events);
    }

    private static CollectionResult Fail(string field, string error) => CollectionResult.Failure(field, error);
}
