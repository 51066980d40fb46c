using System.Buffers;
using System.Text.Json;
using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>One line of an order as the products list of its event shows it; null fields are left out.</summary>
internal sealed record OrderProduct(string? ProductId, string? Name, string? Category, decimal? Price, decimal? Quantity);

/// <summary>An order (or a refund, or a cancellation) put together from the rows of an orders file.</summary>
internal sealed record OrderFacts(
    string EventName,
    string CustomerId,
    string OrderId,
    DateTimeOffset Time,
    decimal Amount,
    decimal? Quantity,
    IReadOnlyList<OrderProduct> Products);

/// <summary>
/// Turns <see cref="OrderFacts"/> into a Segment Ecommerce v2 track event: <c>Order Completed</c>
/// carries <c>order_id</c>, <c>revenue</c>, <c>currency</c>, <c>quantity</c> and <c>products</c>;
/// <c>Order Refunded</c> and <c>Order Cancelled</c> carry the (positive) amount as <c>total</c>,
/// as the Segment spec names it for those events. The message id comes from the source, the event
/// name and the order id, so a re-import, or the same orders read from another layout of the same
/// data set, adds nothing. Not thread-safe: one instance per reader.
/// </summary>
internal sealed class OrderEventBuilder : IDisposable
{
    /// <summary>At most this many products go into one event (an Event Hubs event may be 1 MB); the amount always counts every line.</summary>
    public const int MaxProducts = 1000;

    private readonly TimeProvider clock;
    private readonly string? currency;
    private readonly string source;
    private readonly ImportIds ids;
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter json;

    public OrderEventBuilder(string sourceName, string? currency, TimeProvider clock)
    {
        this.clock = clock;
        this.currency = currency;
        source = "import:" + sourceName;
        ids = new ImportIds(sourceName);
        json = new Utf8JsonWriter(buffer);
    }

    public JourneyEvent Build(OrderFacts order) => new()
    {
        MessageId = ids.MessageIdOf(order.EventName, order.OrderId),
        Type = MessageType.Track,
        Event = order.EventName,
        UserId = order.CustomerId,
        Timestamp = order.Time,
        OriginalTimestamp = order.Time,
        ReceivedAt = clock.GetUtcNow(),
        Properties = Properties(order),
        Device = DeviceClass.Unknown,
        Channel = null,
        Source = source,
    };

    private JsonElement Properties(OrderFacts order)
    {
        buffer.ResetWrittenCount();
        json.Reset();
        json.WriteStartObject();
        json.WriteString("order_id", order.OrderId);
        json.WriteNumber(order.EventName == EventNames.OrderCompleted ? "revenue" : "total", order.Amount);
        if (currency is not null) json.WriteString("currency", currency);
        if (order.Quantity is { } quantity) json.WriteNumber("quantity", quantity);
        if (order.Products.Count > 0)
        {
            json.WriteStartArray("products");
            for (var i = 0; i < order.Products.Count && i < MaxProducts; i++)
                WriteProduct(order.Products[i]);
            json.WriteEndArray();
            if (order.Products.Count > MaxProducts) json.WriteBoolean("products_truncated", true);
        }
        json.WriteEndObject();
        json.Flush();

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private void WriteProduct(OrderProduct p)
    {
        json.WriteStartObject();
        if (p.ProductId is not null) json.WriteString("product_id", p.ProductId);
        if (p.Name is not null) json.WriteString("name", p.Name);
        if (p.Category is not null) json.WriteString("category", p.Category);
        if (p.Price is not null) json.WriteNumber("price", p.Price.Value);
        if (p.Quantity is not null) json.WriteNumber("quantity", p.Quantity.Value);
        json.WriteEndObject();
    }

    public void Dispose()
    {
        json.Dispose();
        ids.Dispose();
    }
}
