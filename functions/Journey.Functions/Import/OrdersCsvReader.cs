using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>
/// Reads an orders CSV (comma-separated, RFC 4180 quoting, a header line, one row per order line)
/// with CsvHelper's streaming reader and groups the lines into orders with
/// <see cref="OrderAssembler"/>: one <c>Order Completed</c>, <c>Order Refunded</c> or
/// <c>Order Cancelled</c> event per order id. Rows without a customer id are skipped and counted.
/// </summary>
internal sealed class OrdersCsvReader : IImportReader
{
    public const string MissingOrder = "missing order id";
    public const string MissingDate = "missing date";
    public const string BadDate = "bad date";
    public const string BadQuantity = "bad quantity";
    public const string BadPrice = "bad price";
    public const string MissingRevenue = "missing revenue";
    public const string BadRevenue = "bad revenue";

    private readonly OrdersLayout layout;
    private readonly TimeProvider clock;
    private readonly string fileName;

    public OrdersCsvReader(OrdersLayout layout, TimeProvider clock, string fileName)
    {
        this.layout = layout;
        this.clock = clock;
        this.fileName = fileName;
    }

    public async IAsyncEnumerable<ImportRecord> ReadAsync(Stream input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var malformedLines = new HashSet<long>();
        var options = ImportCsv.Options(malformedLines);

        await using var csv = CsvReader.Create(input, options, leaveOpen: true);
        using var orders = new OrderAssembler(layout.Name, layout.Currency, clock);

        if (!await csv.ReadAsync(cancellationToken))
            throw new ImportInputException($"{fileName} is empty: an orders CSV starts with a header line ({string.Join(",", layout.Columns.Values)}).");
        var columns = Bind(csv);

        var output = new List<ImportRecord>();
        while (await csv.ReadAsync(cancellationToken))
        {
            Convert(csv, columns, orders, malformedLines, output);
            foreach (var record in output) yield return record;
            output.Clear();
        }
        orders.Flush(output);
        foreach (var record in output) yield return record;
    }

    /// <summary>Field index by key, from the header.</summary>
    private BoundColumns Bind(CsvReader csv)
    {
        var header = new List<string>(csv.FieldCount);
        for (var i = 0; i < csv.FieldCount; i++) header.Add(csv.GetString(i).Trim());

        var bound = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, column) in layout.Columns)
        {
            var index = header.FindIndex(h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                var how = layout.Name == ImportArguments.FormatName(ImportFormat.OrdersCsv) ? "--map" : $"preset {layout.Name}";
                throw new ImportInputException($"{fileName} has no column '{column}' for {key} ({how}); its header is: {string.Join(",", header)}.");
            }
            bound[key] = index;
        }
        return new BoundColumns(header.Count, bound);
    }

    private void Convert(CsvReader csv, BoundColumns columns, OrderAssembler orders, HashSet<long> malformedLines, List<ImportRecord> output)
    {
        var line = csv.LineNumber;
        if (malformedLines.Remove(line))
        {
            output.Add(ImportRecord.Rejected(line, ClickstreamCsvReader.MalformedQuotes));
            return;
        }
        if (csv.FieldCount != columns.FieldCount)
        {
            output.Add(ImportRecord.Rejected(line, csv.FieldCount < columns.FieldCount ? ClickstreamCsvReader.ShortRow : ClickstreamCsvReader.LongRow));
            return;
        }

        var customer = Value(csv, columns, OrdersLayout.Customer);
        if (customer is null)
        {
            output.Add(ImportRecord.Rejected(line, layout.MissingCustomer));
            return;
        }
        var orderId = Value(csv, columns, OrdersLayout.Order);
        if (orderId is null)
        {
            output.Add(ImportRecord.Rejected(line, MissingOrder));
            return;
        }

        var eventName = EventNames.OrderCompleted;
        if (layout.RefundPrefix is { } prefix && orderId.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            eventName = EventNames.OrderRefunded;
        }
        else if (Value(csv, columns, OrdersLayout.Status) is { } status)
        {
            if (!OrdersLayout.StatusEvents.TryGetValue(status, out var named))
            {
                output.Add(ImportRecord.Rejected(line, $"unknown status '{ClickstreamEventMapper.Clip(status)}'"));
                return;
            }
            eventName = named;
        }

        // From here on the line belongs to a known order: a bad value rejects the whole order.
        var problem = Parse(csv, columns, eventName, out var time, out var amount, out var quantity, out var product);
        if (problem is not null)
        {
            orders.Reject(line, eventName, orderId, problem, output);
            return;
        }

        orders.Add(new OrderLine(line, OrdersLayout.NormaliseCustomerId(customer), orderId, eventName, time, amount, quantity, product), output);
    }

    private string? Parse(CsvReader csv, BoundColumns columns, string eventName, out DateTimeOffset time, out decimal amount, out decimal? quantity, out OrderProduct? product)
    {
        amount = 0m;
        quantity = null;
        product = null;
        time = default;

        var timeText = Value(csv, columns, OrdersLayout.Time);
        if (timeText is null) return MissingDate;
        if (!ImportTime.TryParse(timeText, out time)) return BadDate;

        if (Value(csv, columns, OrdersLayout.Quantity) is { } quantityText)
        {
            if (!decimal.TryParse(quantityText, NumberStyles.Float, CultureInfo.InvariantCulture, out var q) || q == 0) return BadQuantity;
            quantity = q;
        }

        decimal? price = null;
        if (layout.AmountFromPrice)
        {
            if (!decimal.TryParse(Value(csv, columns, OrdersLayout.Price), NumberStyles.Float, CultureInfo.InvariantCulture, out var p)) return BadPrice;
            price = p;
            amount = p * (quantity ?? 1m);
        }
        else
        {
            var revenueText = Value(csv, columns, OrdersLayout.Revenue);
            if (revenueText is null) return MissingRevenue;
            if (!decimal.TryParse(revenueText, NumberStyles.Float, CultureInfo.InvariantCulture, out amount)) return BadRevenue;
        }

        var productId = Value(csv, columns, OrdersLayout.Product);
        var name = Value(csv, columns, OrdersLayout.ProductName);
        var category = Value(csv, columns, OrdersLayout.Category);
        if (productId is not null || name is not null || category is not null)
        {
            var productQuantity = eventName == EventNames.OrderCompleted || quantity is null ? quantity : Math.Abs(quantity.Value);
            product = new OrderProduct(productId, name, category, price, productQuantity);
        }
        return null;
    }

    /// <summary>The field of a key, trimmed; null when it is empty or the key is not mapped.</summary>
    private static string? Value(CsvReader csv, BoundColumns columns, string key)
    {
        if (!columns.Index.TryGetValue(key, out var i) || csv.IsEmpty(i)) return null;
        var value = csv.GetString(i).Trim();
        return value.Length > 0 ? value : null;
    }

    /// <param name="FieldCount">The header's field count: a row with another count is rejected.</param>
    /// <param name="Index">Field index by layout key.</param>
    private sealed record BoundColumns(int FieldCount, Dictionary<string, int> Index);
}
