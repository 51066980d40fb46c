using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>
/// How the columns of a clickstream CSV map to an event: which column holds the user, the
/// event type, the time and the product details, and which event type codes the file uses.
/// A preset fixes all of it; <c>--format clickstream-csv --map</c> names the columns, and a
/// <c>--map</c> given with a preset overrides the preset's columns.
/// </summary>
internal sealed class ClickstreamLayout
{
    public const string User = "user";
    public const string Event = "event";
    public const string Time = "time";
    public const string Product = "product";
    public const string Category = "category";
    public const string Brand = "brand";
    public const string Price = "price";
    public const string Quantity = "quantity";
    public const string Order = "order";
    public const string Session = "session";

    /// <summary>The keys <c>--map</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Keys = [User, Event, Time, Product, Category, Brand, Price, Quantity, Order, Session];

    /// <summary>The keys every layout must map.</summary>
    public static readonly IReadOnlyList<string> RequiredKeys = [User, Event, Time];

    /// <summary>Event type codes of clickstream data sets and the Ecommerce v2 events they stand for.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownCodes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["pv"] = EventNames.ProductViewed,
        ["view"] = EventNames.ProductViewed,
        ["cart"] = EventNames.ProductAdded,
        ["fav"] = EventNames.ProductAddedToWishlist,
        ["buy"] = EventNames.OrderCompleted,
        ["purchase"] = EventNames.OrderCompleted,
        ["remove_from_cart"] = EventNames.ProductRemoved,
    };

    private ClickstreamLayout(string name, IReadOnlyDictionary<string, IReadOnlyList<string>> columns, IReadOnlySet<string>? closedCodes, IReadOnlyList<string>? headerlessColumns)
    {
        Name = name;
        Columns = columns;
        ClosedCodes = closedCodes;
        HeaderlessColumns = headerlessColumns;
    }

    /// <summary>The preset or format name: the events' source is <c>import:{Name}</c>.</summary>
    public string Name { get; }

    /// <summary>Key → the columns that may hold it, the first non-empty one winning (rees46's category: category_code, else category_id).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Columns { get; }

    /// <summary>
    /// The event type codes a preset's data set uses: any other value is a broken row and is
    /// rejected. Null for a mapped layout, which keeps unknown values as event names.
    /// </summary>
    public IReadOnlySet<string>? ClosedCodes { get; }

    /// <summary>The preset's column order, for a file that comes without a header (the original Taobao file has none).</summary>
    public IReadOnlyList<string>? HeaderlessColumns { get; }

    /// <summary>The column that holds the event type, as reasons name it ("unknown behavior_type 'x'").</summary>
    public string EventColumn => Columns[Event][0];

    public static ClickstreamLayout For(ImportArguments args)
    {
        var preset = args.Preset switch
        {
            null => null,
            "taobao" => Taobao(),
            "rees46" => Rees46(),
            _ => throw new ImportArgumentException($"preset {args.Preset} is not a clickstream preset."),
        };
        if (preset is not null && args.Map.Count == 0)
            return preset;

        var columns = new Dictionary<string, IReadOnlyList<string>>(preset?.Columns ?? new Dictionary<string, IReadOnlyList<string>>());
        foreach (var (key, column) in args.Map)
            columns[key] = [column];
        return new ClickstreamLayout(args.SourceName, columns, preset?.ClosedCodes, headerlessColumns: null);
    }

    /// <summary>Alibaba Taobao UserBehavior: user_id,item_id,category_id,behavior_type,timestamp (unix seconds).</summary>
    private static ClickstreamLayout Taobao() => new(
        "taobao",
        new Dictionary<string, IReadOnlyList<string>>
        {
            [User] = ["user_id"],
            [Product] = ["item_id"],
            [Category] = ["category_id"],
            [Event] = ["behavior_type"],
            [Time] = ["timestamp"],
        },
        new HashSet<string>(["pv", "cart", "fav", "buy"], StringComparer.OrdinalIgnoreCase),
        ["user_id", "item_id", "category_id", "behavior_type", "timestamp"]);

    /// <summary>REES46 multi-category store: event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session.</summary>
    private static ClickstreamLayout Rees46() => new(
        "rees46",
        new Dictionary<string, IReadOnlyList<string>>
        {
            [Time] = ["event_time"],
            [Event] = ["event_type"],
            [Product] = ["product_id"],
            [Category] = ["category_code", "category_id"],
            [Brand] = ["brand"],
            [Price] = ["price"],
            [User] = ["user_id"],
            [Session] = ["user_session"],
        },
        new HashSet<string>(["view", "cart", "remove_from_cart", "purchase"], StringComparer.OrdinalIgnoreCase),
        ["event_time", "event_type", "product_id", "category_id", "category_code", "brand", "price", "user_id", "user_session"]);
}
