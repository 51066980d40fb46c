using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CsvHelper;
using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>
/// Reads a reviews CSV (comma-separated, RFC 4180 quoting so a review may hold commas, quotes and line
/// breaks, a header line) with CsvHelper's streaming reader: one <c>Product Reviewed</c> event per row,
/// with the Segment Ecommerce v2 properties <c>review_id</c>, <c>review_body</c>, <c>rating</c> and
/// <c>product_id</c>, and <c>title</c> and <c>category</c> beside them. A row with neither text nor
/// title is skipped and counted; a row with a title only keeps the title as its <c>review_body</c>.
/// A bad row is rejected with a reason that names the column; the summary gives its line.
/// </summary>
internal sealed class ReviewsCsvReader : IImportReader
{
    public const string EmptyReview = "empty review (no text and no title)";
    public const string MissingCustomer = "missing customer id";

    private readonly ReviewsLayout layout;
    private readonly TimeProvider clock;
    private readonly string fileName;
    private readonly string missingRating;
    private readonly string badRating;
    private readonly string missingTime;
    private readonly string badTime;
    private readonly string missingRowKey;

    public ReviewsCsvReader(ReviewsLayout layout, TimeProvider clock, string fileName)
    {
        this.layout = layout;
        this.clock = clock;
        this.fileName = fileName;
        var columns = layout.Columns;
        missingRating = $"missing rating (column '{columns[ReviewsLayout.Rating]}')";
        badRating = $"bad rating (column '{columns[ReviewsLayout.Rating]}': not a number from 1 to 5)";
        missingTime = columns.TryGetValue(ReviewsLayout.Time, out var time) ? $"missing time (column '{time}')" : "";
        badTime = time is null ? "" : $"bad time (column '{time}': not unix seconds or milliseconds, ISO 8601 or yyyyMMdd)";
        missingRowKey = columns.TryGetValue(ReviewsLayout.RowKey, out var row) ? $"missing row number (column '{Describe(row)}')" : "";
    }

    public async IAsyncEnumerable<ImportRecord> ReadAsync(Stream input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var malformedLines = new HashSet<long>();
        var options = ImportCsv.Options(malformedLines);

        await using var csv = CsvReader.Create(input, options, leaveOpen: true);
        using var builder = new ReviewEventBuilder(layout, clock.GetUtcNow(), clock);

        if (!await csv.ReadAsync(cancellationToken))
            throw new ImportInputException($"{fileName} is empty: a reviews CSV starts with a header line ({string.Join(",", layout.Columns.Values.Select(Describe))}).");
        var columns = Bind(csv);

        while (await csv.ReadAsync(cancellationToken))
            yield return Convert(csv, columns, builder, malformedLines);
    }

    private static string Describe(string column) => column.Length == 0 ? "(unnamed)" : column;

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
                var how = layout.RowKeyPrefix is null ? "--map" : $"preset {layout.Name}";
                throw new ImportInputException($"{fileName} has no column '{Describe(column)}' for {key} ({how}); its header is: {string.Join(",", header)}.");
            }
            bound[key] = index;
        }
        return new BoundColumns(header.Count, bound);
    }

    private ImportRecord Convert(CsvReader csv, BoundColumns columns, ReviewEventBuilder builder, HashSet<long> malformedLines)
    {
        var line = csv.LineNumber;
        if (malformedLines.Remove(line)) return ImportRecord.Rejected(line, ClickstreamCsvReader.MalformedQuotes);
        if (csv.FieldCount < columns.FieldCount) return ImportRecord.Rejected(line, ClickstreamCsvReader.ShortRow);
        if (csv.FieldCount > columns.FieldCount) return ImportRecord.Rejected(line, ClickstreamCsvReader.LongRow);

        var text = Value(csv, columns, ReviewsLayout.Text);
        var title = Value(csv, columns, ReviewsLayout.Title);
        if (text is null && title is null) return ImportRecord.Rejected(line, EmptyReview);

        string customer;
        string? reviewId;
        if (layout.RowKeyPrefix is { } prefix)
        {
            var rowKey = Value(csv, columns, ReviewsLayout.RowKey);
            if (rowKey is null) return ImportRecord.Rejected(line, missingRowKey);
            customer = reviewId = $"{prefix}-{rowKey}";
        }
        else
        {
            var id = Value(csv, columns, ReviewsLayout.Customer);
            if (id is null) return ImportRecord.Rejected(line, MissingCustomer);
            customer = OrdersLayout.NormaliseCustomerId(id);
            reviewId = Value(csv, columns, ReviewsLayout.Review);
        }

        var ratingText = Value(csv, columns, ReviewsLayout.Rating);
        if (ratingText is null) return ImportRecord.Rejected(line, missingRating);
        if (!decimal.TryParse(ratingText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rating) || rating < 1 || rating > 5)
            return ImportRecord.Rejected(line, badRating);

        DateTimeOffset? time = null;
        if (!layout.SpreadTimes)
        {
            var timeText = Value(csv, columns, ReviewsLayout.Time);
            if (timeText is null) return ImportRecord.Rejected(line, missingTime);
            if (!ImportTime.TryParse(timeText, out var parsed)) return ImportRecord.Rejected(line, badTime);
            time = parsed;
        }

        var review = new ReviewRow(
            customer,
            reviewId,
            Body: text ?? title!,
            Title: text is null ? null : title,
            rating,
            time,
            Product: Value(csv, columns, ReviewsLayout.Product),
            Category: Value(csv, columns, ReviewsLayout.Category));
        return ImportRecord.Accepted(line, builder.Build(review, line, csv.RawRecord));
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

/// <summary>One review as the event carries it; <see cref="Time"/> is null when the file has no dates.</summary>
internal sealed record ReviewRow(
    string Customer,
    string? ReviewId,
    string Body,
    string? Title,
    decimal Rating,
    DateTimeOffset? Time,
    string? Product,
    string? Category);

/// <summary>
/// Turns a <see cref="ReviewRow"/> into a <c>Product Reviewed</c> track event. The message id comes
/// from the review id when there is one, else from the line, so importing the file again adds
/// nothing; a review without a date gets the import time less a share of
/// <see cref="ReviewsLayout.SpreadWindow"/> fixed by a hash of its review id (or line). Not
/// thread-safe: one instance per reader.
/// </summary>
internal sealed class ReviewEventBuilder : IDisposable
{
    private readonly TimeProvider clock;
    private readonly DateTimeOffset importTime;
    private readonly string source;
    private readonly ImportIds ids;
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter json;

    public ReviewEventBuilder(ReviewsLayout layout, DateTimeOffset importTime, TimeProvider clock)
    {
        this.clock = clock;
        this.importTime = importTime;
        source = "import:" + layout.Name;
        ids = new ImportIds(layout.Name);
        json = new Utf8JsonWriter(buffer);
    }

    public JourneyEvent Build(ReviewRow review, long line, ReadOnlySpan<byte> lineContent)
    {
        var messageId = review.ReviewId is { } id ? ids.MessageIdOf(EventNames.ProductReviewed, id) : ids.MessageId(line, lineContent);
        var time = review.Time ?? SpreadTime(review.ReviewId ?? messageId);
        return new JourneyEvent
        {
            MessageId = messageId,
            Type = MessageType.Track,
            Event = EventNames.ProductReviewed,
            UserId = review.Customer,
            Timestamp = time,
            OriginalTimestamp = time,
            ReceivedAt = clock.GetUtcNow(),
            Properties = Properties(review, review.ReviewId ?? messageId),
            Device = DeviceClass.Unknown,
            Channel = null,
            Source = source,
        };
    }

    /// <summary>The import time less 1 s to 30 days, by an FNV-1a hash of <paramref name="key"/>: the same key, the same share.</summary>
    internal DateTimeOffset SpreadTime(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in key)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }
        var windowSeconds = (ulong)ReviewsLayout.SpreadWindow.TotalSeconds;
        var seconds = 1 + (long)(hash % windowSeconds);
        return importTime.AddSeconds(-seconds);
    }

    private JsonElement Properties(ReviewRow review, string reviewId)
    {
        buffer.ResetWrittenCount();
        json.Reset();
        json.WriteStartObject();
        json.WriteString("review_id", reviewId);
        if (review.Product is not null) json.WriteString("product_id", review.Product);
        if (review.Category is not null) json.WriteString("category", review.Category);
        if (review.Rating == decimal.Truncate(review.Rating)) json.WriteNumber("rating", (int)review.Rating);
        else json.WriteNumber("rating", review.Rating);
        json.WriteString("review_body", review.Body);
        if (review.Title is not null) json.WriteString("title", review.Title);
        json.WriteEndObject();
        json.Flush();

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    public void Dispose()
    {
        json.Dispose();
        ids.Dispose();
    }
}
