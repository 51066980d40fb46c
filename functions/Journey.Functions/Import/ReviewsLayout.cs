namespace Journey.Functions.Import;

/// <summary>
/// How the columns of a reviews CSV (one product review per row) map to a <c>Product Reviewed</c>
/// event: which columns hold the customer, the text, the rating and the time, and optionally the
/// title, the product, the category and the review id. <c>--format reviews-csv --map</c> names the
/// columns; the <c>clothing-reviews</c> preset fixes them for the Women's clothing e-commerce reviews,
/// which have neither customers nor dates (<see cref="RowKeyPrefix"/>, <see cref="SpreadTimes"/>).
/// </summary>
internal sealed class ReviewsLayout
{
    public const string ClothingReviews = "clothing-reviews";

    public const string Customer = "customer";
    public const string Text = "text";
    public const string Rating = "rating";
    public const string Time = "time";
    public const string Title = "title";
    public const string Product = "product";
    public const string Category = "category";
    public const string Review = "review";

    /// <summary>Preset-only key: the column that numbers the rows (the data set's unnamed first column).</summary>
    public const string RowKey = "row";

    /// <summary>The keys <c>--map</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Keys = [Customer, Text, Rating, Time, Title, Product, Category, Review];

    /// <summary>The keys <c>--format reviews-csv</c> must map.</summary>
    public static readonly IReadOnlyList<string> RequiredKeys = [Customer, Text, Rating, Time];

    public const string MapExample = "customer=user_id,text=body,rating=stars,time=created_at";

    /// <summary>Reviews without a date are spread over this window before the import time.</summary>
    public static readonly TimeSpan SpreadWindow = TimeSpan.FromDays(30);

    private ReviewsLayout(string name, IReadOnlyDictionary<string, string> columns, string? rowKeyPrefix)
    {
        Name = name;
        Columns = columns;
        RowKeyPrefix = rowKeyPrefix;
    }

    /// <summary>The preset or format name: the events' source is <c>import:{Name}</c>.</summary>
    public string Name { get; }

    /// <summary>Key → column name (matched case-insensitively against the header; the empty name matches an unnamed column).</summary>
    public IReadOnlyDictionary<string, string> Columns { get; }

    /// <summary>
    /// When set, the file has no customers: each row is its own customer, and the user id and the
    /// review id are <c>{prefix}-{row key}</c>.
    /// </summary>
    public string? RowKeyPrefix { get; }

    /// <summary>Whether the file has no time column: each review gets the import time less a deterministic share of <see cref="SpreadWindow"/>.</summary>
    public bool SpreadTimes => !Columns.ContainsKey(Time);

    public static ReviewsLayout For(ImportArguments args) => args.Preset switch
    {
        null => new ReviewsLayout(args.SourceName, args.Map, rowKeyPrefix: null),
        ClothingReviews => Clothing(),
        _ => throw new ImportArgumentException($"preset {args.Preset} is not a reviews CSV preset."),
    };

    /// <summary>
    /// Women's clothing e-commerce reviews: (unnamed row number), Clothing ID, Age, Title, Review Text,
    /// Rating, Recommended IND, Positive Feedback Count, Division Name, Department Name, Class Name.
    /// Clothing ID is the product, Class Name the category; no customer, no date.
    /// </summary>
    private static ReviewsLayout Clothing() => new(
        ClothingReviews,
        new Dictionary<string, string>
        {
            [RowKey] = "",
            [Product] = "Clothing ID",
            [Title] = "Title",
            [Text] = "Review Text",
            [Rating] = "Rating",
            [Category] = "Class Name",
        },
        rowKeyPrefix: "clothing");
}
