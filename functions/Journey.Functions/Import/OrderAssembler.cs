using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>One parsed line of an orders file: the order it belongs to and what it adds.</summary>
/// <param name="Line">The line number (1-based, the header being line 1).</param>
/// <param name="EventName">Order Completed, Order Refunded or Order Cancelled: part of the order's key.</param>
/// <param name="Amount">What the line adds to the order's amount (signed as in the file).</param>
internal sealed record OrderLine(
    long Line,
    string CustomerId,
    string OrderId,
    string EventName,
    DateTimeOffset Time,
    decimal Amount,
    decimal? Quantity,
    OrderProduct? Product);

/// <summary>
/// Groups the lines of an orders file into orders, streaming: the lines of one order (same event
/// name and order id) are expected together, and an order is complete once
/// <see cref="OpenOrders"/> later orders have started (a look-behind of a few orders, because
/// real files interleave now and then: in Online Retail, invoice 542806 is split by a
/// cancellation line). Memory holds only the open orders and the keys of the last
/// <see cref="RememberedOrders"/> orders sent; a line of an order already sent is rejected rather
/// than sent as a second, partial order with the same id.
/// <para>
/// An order's time is its earliest line's time; its amount is the sum of its lines, positive for
/// refunds and cancellations (their lines are negative in most files); a completed order whose
/// sum is below zero is rejected. One bad line (a bad date, quantity, price) rejects the whole
/// order: the bad line with its reason, the others as <see cref="OtherLineOfRejectedOrder"/>, so
/// no order is sent with a wrong amount.
/// </para>
/// </summary>
internal sealed class OrderAssembler : IDisposable
{
    public const int OpenOrders = 16;
    public const int RememberedOrders = 100_000;

    public const string OtherLineOfRejectedOrder = "other line of an order with a rejected line";
    public const string LineOfOrderAlreadySent = "line of an order already sent (its lines are not together in the file)";
    public const string CustomerDiffers = "customer id differs from the order's first line";
    public const string NegativeTotal = "order total below zero";

    private readonly OrderEventBuilder builder;
    private readonly List<OpenOrder> open = new(OpenOrders + 1);
    private readonly Dictionary<(string EventName, string OrderId), OpenOrder> openByKey = [];
    private readonly HashSet<(string EventName, string OrderId)> sent = [];
    private readonly Queue<(string EventName, string OrderId)> sentInOrder = new();

    public OrderAssembler(string sourceName, string? currency, TimeProvider clock) =>
        builder = new OrderEventBuilder(sourceName, currency, clock);

    /// <summary>Adds a good line; the records of orders it completes go to <paramref name="output"/>.</summary>
    public void Add(OrderLine line, List<ImportRecord> output)
    {
        var key = (line.EventName, line.OrderId);
        if (sent.Contains(key))
        {
            output.Add(ImportRecord.Rejected(line.Line, LineOfOrderAlreadySent));
            return;
        }
        if (openByKey.TryGetValue(key, out var order))
        {
            order.CustomerId ??= line.CustomerId;
            if (order.CustomerId != line.CustomerId)
            {
                output.Add(ImportRecord.Rejected(line.Line, CustomerDiffers));
                order.Poisoned = true;
                return;
            }
            order.Lines.Add(line);
            return;
        }
        Open(key, line.CustomerId, line, output);
    }

    /// <summary>
    /// Rejects a line of a known order for <paramref name="reason"/>: the order it belongs to is
    /// rejected as a whole (its other lines, before and after, as <see cref="OtherLineOfRejectedOrder"/>).
    /// </summary>
    public void Reject(long line, string eventName, string orderId, string reason, List<ImportRecord> output)
    {
        output.Add(ImportRecord.Rejected(line, reason));
        var key = (eventName, orderId);
        if (sent.Contains(key)) return;
        if (!openByKey.TryGetValue(key, out var order))
            order = Open(key, customerId: null, firstLine: null, output);
        order.Poisoned = true;
    }

    /// <summary>Completes every open order (at the end of the file).</summary>
    public void Flush(List<ImportRecord> output)
    {
        while (open.Count > 0) CloseOldest(output);
    }

    private OpenOrder Open((string EventName, string OrderId) key, string? customerId, OrderLine? firstLine, List<ImportRecord> output)
    {
        var order = new OpenOrder(key.EventName, key.OrderId, customerId);
        if (firstLine is not null) order.Lines.Add(firstLine);
        open.Add(order);
        openByKey.Add(key, order);
        if (open.Count > OpenOrders) CloseOldest(output);
        return order;
    }

    private void CloseOldest(List<ImportRecord> output)
    {
        var order = open[0];
        open.RemoveAt(0);
        var key = (order.EventName, order.OrderId);
        openByKey.Remove(key);
        sent.Add(key);
        sentInOrder.Enqueue(key);
        if (sentInOrder.Count > RememberedOrders) sent.Remove(sentInOrder.Dequeue());

        if (order.Lines.Count == 0) return;
        if (order.Poisoned)
        {
            foreach (var line in order.Lines) output.Add(ImportRecord.Rejected(line.Line, OtherLineOfRejectedOrder));
            return;
        }

        var amount = 0m;
        decimal? quantity = null;
        var time = order.Lines[0].Time;
        var products = new List<OrderProduct>(order.Lines.Count);
        foreach (var line in order.Lines)
        {
            amount += line.Amount;
            if (line.Quantity is { } q) quantity = (quantity ?? 0m) + q;
            if (line.Time < time) time = line.Time;
            if (line.Product is { } p) products.Add(p);
        }

        if (order.EventName == EventNames.OrderCompleted && amount < 0)
        {
            foreach (var line in order.Lines) output.Add(ImportRecord.Rejected(line.Line, NegativeTotal));
            return;
        }
        if (order.EventName != EventNames.OrderCompleted)
        {
            amount = Math.Abs(amount);
            if (quantity is not null) quantity = Math.Abs(quantity.Value);
        }

        var e = builder.Build(new OrderFacts(order.EventName, order.CustomerId!, order.OrderId, time, amount, quantity, products));
        output.Add(ImportRecord.Accepted(order.Lines[0].Line, e, order.Lines.Count));
    }

    public void Dispose() => builder.Dispose();

    private sealed class OpenOrder(string eventName, string orderId, string? customerId)
    {
        public string EventName { get; } = eventName;
        public string OrderId { get; } = orderId;
        public string? CustomerId { get; set; } = customerId;
        public List<OrderLine> Lines { get; } = [];
        public bool Poisoned { get; set; }
    }
}
