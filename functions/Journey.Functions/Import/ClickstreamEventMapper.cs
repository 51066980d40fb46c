using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>The values of one clickstream row, by layout key: trimmed, null when empty or not mapped.</summary>
internal readonly record struct ClickstreamRow(
    string? User,
    string? Event,
    string? Time,
    string? Product = null,
    string? Category = null,
    string? Brand = null,
    string? Price = null,
    string? Quantity = null,
    string? Order = null,
    string? Session = null);

/// <summary>
/// Turns a clickstream row into a Segment Ecommerce v2 track event: pv/view → Product Viewed,
/// cart → Product Added, fav → Product Added to Wishlist, buy/purchase → Order Completed,
/// remove_from_cart → Product Removed; a mapped layout keeps any other value as the event name,
/// a preset rejects it. Not thread-safe: one instance per reader.
/// </summary>
internal sealed class ClickstreamEventMapper : IDisposable
{
    public const string MissingUser = "missing user id";
    public const string MissingEvent = "missing event type";
    public const string MissingTimestamp = "missing timestamp";
    public const string BadTimestamp = "bad timestamp";
    public const string BadPrice = "bad price";
    public const string BadQuantity = "bad quantity";

    private const int MaxValueInReason = 40;

    private readonly ClickstreamLayout layout;
    private readonly TimeProvider clock;
    private readonly ImportIds ids;
    private readonly string source;
    private readonly ArrayBufferWriter<byte> buffer = new(512);
    private readonly Utf8JsonWriter json;

    public ClickstreamEventMapper(ClickstreamLayout layout, TimeProvider clock)
    {
        this.layout = layout;
        this.clock = clock;
        ids = new ImportIds(layout.Name);
        source = "import:" + layout.Name;
        json = new Utf8JsonWriter(buffer);
    }

    /// <param name="line">The row's line number (1-based, the header being line 1).</param>
    /// <param name="lineContent">The row as it is in the file, without the line break: with the source and line number, it makes the message id.</param>
    public ImportRecord Map(in ClickstreamRow row, long line, ReadOnlySpan<byte> lineContent)
    {
        if (row.User is null) return ImportRecord.Rejected(line, MissingUser);
        if (row.Event is null) return ImportRecord.Rejected(line, MissingEvent);

        string name;
        if (ClickstreamLayout.KnownCodes.TryGetValue(row.Event, out var known) && layout.ClosedCodes?.Contains(row.Event) != false)
            name = known;
        else if (layout.ClosedCodes is not null)
            return ImportRecord.Rejected(line, $"unknown {layout.EventColumn} '{Clip(row.Event)}'");
        else
            name = row.Event;

        if (row.Time is null) return ImportRecord.Rejected(line, MissingTimestamp);
        if (!ImportTime.TryParse(row.Time, out var time)) return ImportRecord.Rejected(line, BadTimestamp);

        decimal? price = null;
        if (row.Price is not null)
        {
            if (!decimal.TryParse(row.Price, NumberStyles.Float, CultureInfo.InvariantCulture, out var p)) return ImportRecord.Rejected(line, BadPrice);
            price = p;
        }

        decimal? quantity = null;
        if (row.Quantity is not null)
        {
            if (!decimal.TryParse(row.Quantity, NumberStyles.Float, CultureInfo.InvariantCulture, out var q) || q <= 0) return ImportRecord.Rejected(line, BadQuantity);
            quantity = q;
        }

        var e = new JourneyEvent
        {
            MessageId = ids.MessageId(line, lineContent),
            Type = MessageType.Track,
            Event = name,
            UserId = row.User,
            Timestamp = time,
            OriginalTimestamp = time,
            ReceivedAt = clock.GetUtcNow(),
            Properties = Properties(row, name, price, quantity),
            Device = DeviceClass.Unknown,
            Channel = null,
            Source = source,
        };
        return ImportRecord.Accepted(line, e);
    }

    private JsonElement Properties(in ClickstreamRow row, string name, decimal? price, decimal? quantity)
    {
        buffer.ResetWrittenCount();
        json.Reset();
        json.WriteStartObject();
        WriteProduct(row, price, quantity);
        if (row.Session is not null) json.WriteString("session_id", row.Session);
        if (name == EventNames.OrderCompleted)
        {
            json.WriteString("order_id", row.Order ?? ids.OrderId(row.User, row.Session, row.Product, row.Time));
            if (price is not null) json.WriteNumber("revenue", price.Value * (quantity ?? 1m));
            json.WriteStartArray("products");
            json.WriteStartObject();
            WriteProduct(row, price, quantity);
            json.WriteEndObject();
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.Flush();

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private void WriteProduct(in ClickstreamRow row, decimal? price, decimal? quantity)
    {
        if (row.Product is not null) json.WriteString("product_id", row.Product);
        if (row.Category is not null) json.WriteString("category", row.Category);
        if (row.Brand is not null) json.WriteString("brand", row.Brand);
        if (price is not null) json.WriteNumber("price", price.Value);
        if (quantity is not null) json.WriteNumber("quantity", quantity.Value);
    }

    /// <summary>A value as a reason quotes it: short, on one line.</summary>
    internal static string Clip(string value)
    {
        var clipped = value.Length > MaxValueInReason ? value[..MaxValueInReason] + "…" : value;
        return string.Create(clipped.Length, clipped, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++) span[i] = char.IsControl(s[i]) ? ' ' : s[i];
        });
    }

    public void Dispose()
    {
        json.Dispose();
        ids.Dispose();
    }
}
