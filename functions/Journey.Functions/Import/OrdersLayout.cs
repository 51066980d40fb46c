using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>
/// How the columns of an orders CSV (one row per order line) map to an order: which columns hold
/// the customer, the order id, the time and the amount, and how a refund is told apart. The
/// <c>online-retail</c> preset fixes all of it; <c>--format orders-csv --map</c> names the columns.
/// The <c>cdnow</c> preset has a reader of its own (<see cref="CdnowReader"/>).
/// </summary>
internal sealed class OrdersLayout
{
    public const string Customer = "customer";
    public const string Order = "order";
    public const string Time = "time";
    public const string Revenue = "revenue";
    public const string Quantity = "quantity";
    public const string Product = "product";
    public const string Category = "category";
    public const string Status = "status";

    /// <summary>Preset-only keys: the unit price (the line amount is quantity × price) and the product name.</summary>
    public const string Price = "price";
    public const string ProductName = "name";

    /// <summary>The keys <c>--map</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Keys = [Customer, Order, Time, Revenue, Quantity, Product, Category, Status];

    /// <summary>The keys <c>--format orders-csv</c> must map.</summary>
    public static readonly IReadOnlyList<string> RequiredKeys = [Customer, Order, Time, Revenue];

    /// <summary>Status values (case-insensitive) and the events they stand for; an empty status is a completed order.</summary>
    public static readonly IReadOnlyDictionary<string, string> StatusEvents = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["completed"] = EventNames.OrderCompleted,
        ["complete"] = EventNames.OrderCompleted,
        ["paid"] = EventNames.OrderCompleted,
        ["shipped"] = EventNames.OrderCompleted,
        ["delivered"] = EventNames.OrderCompleted,
        ["order completed"] = EventNames.OrderCompleted,
        ["refunded"] = EventNames.OrderRefunded,
        ["refund"] = EventNames.OrderRefunded,
        ["returned"] = EventNames.OrderRefunded,
        ["return"] = EventNames.OrderRefunded,
        ["order refunded"] = EventNames.OrderRefunded,
        ["cancelled"] = EventNames.OrderCancelled,
        ["canceled"] = EventNames.OrderCancelled,
        ["cancel"] = EventNames.OrderCancelled,
        ["order cancelled"] = EventNames.OrderCancelled,
    };

    private OrdersLayout(string name, IReadOnlyDictionary<string, string> columns, string? currency, string? refundPrefix, string missingCustomer)
    {
        Name = name;
        Columns = columns;
        Currency = currency;
        RefundPrefix = refundPrefix;
        MissingCustomer = missingCustomer;
    }

    /// <summary>The preset or format name: the events' source is <c>import:{Name}</c>.</summary>
    public string Name { get; }

    /// <summary>Key → column name (matched case-insensitively against the header).</summary>
    public IReadOnlyDictionary<string, string> Columns { get; }

    /// <summary>The currency of every amount (ISO 4217), or null when the file does not say.</summary>
    public string? Currency { get; }

    /// <summary>An order id starting with this (Online Retail's <c>C</c>) is a refund, not an order.</summary>
    public string? RefundPrefix { get; }

    /// <summary>The reason a row without a customer id is skipped with.</summary>
    public string MissingCustomer { get; }

    /// <summary>Whether the line amount is quantity × unit price rather than a revenue column.</summary>
    public bool AmountFromPrice => Columns.ContainsKey(Price);

    public static OrdersLayout For(ImportArguments args) => args.Preset switch
    {
        null => new OrdersLayout(args.SourceName, args.Map, currency: null, refundPrefix: null, "missing customer id"),
        "online-retail" => OnlineRetail(),
        _ => throw new ImportArgumentException($"preset {args.Preset} is not an orders CSV preset."),
    };

    /// <summary>
    /// The customer id as the events carry it: a whole number written as a decimal by a
    /// spreadsheet or pandas export (<c>17850.0</c>) loses its zero fraction; anything else is kept.
    /// </summary>
    public static string NormaliseCustomerId(string id)
    {
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0) return id;
        for (var i = 0; i < dot; i++)
            if (!char.IsAsciiDigit(id[i])) return id;
        for (var i = dot + 1; i < id.Length; i++)
            if (id[i] != '0') return id;
        return id[..dot];
    }

    /// <summary>
    /// UCI Online Retail: InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country.
    /// A line amount is Quantity × UnitPrice, in pounds; an InvoiceNo starting with C is a cancellation,
    /// imported as a refund; a blank CustomerID is a guest purchase, which has no profile to go to.
    /// </summary>
    private static OrdersLayout OnlineRetail() => new(
        "online-retail",
        new Dictionary<string, string>
        {
            [Order] = "InvoiceNo",
            [Product] = "StockCode",
            [ProductName] = "Description",
            [Quantity] = "Quantity",
            [Time] = "InvoiceDate",
            [Price] = "UnitPrice",
            [Customer] = "CustomerID",
        },
        currency: "GBP",
        refundPrefix: "C",
        missingCustomer: "guest purchase (no CustomerID)");
}
