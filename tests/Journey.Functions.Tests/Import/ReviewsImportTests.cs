using System.Text.Json;
using Journey.Domain.Events;
using Journey.Functions.Import;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Functions.Tests.Import;

public sealed class ReviewsImportTests : IDisposable
{
    private const string Map = "customer=user_id,text=Body,rating=stars,time=created_at,title=headline,product=sku,category=cat";
    private const string Header = "user_id,headline,Body,stars,created_at,sku,cat\n";

    private readonly ImportTestFiles files = new();

    public void Dispose() => files.Dispose();

    private static JsonElement Props(JourneyEvent e) => e.Properties!.Value;

    private static string? Text(JourneyEvent e, string name) =>
        Props(e).TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    // ---- --format reviews-csv --map ------------------------------------------------------------

    [Fact]
    public async Task ReviewsCsv_EachRowIsOneProductReviewed_WithTheSegmentProperties()
    {
        var file = files.Write("reviews.csv", Header +
            "u1,Too small,\"Runs small, had to return it. She said \"\"meh\"\".\",2,2024-04-02T10:00:00Z,sku-1,Dresses\n" +
            "17850.0,,\"Lovely.\nWould buy again\",5,1712052000,sku-2,\n" +
            "u3,Only a title,,4.5,20240403,,Knits\n");

        var (summary, events, _) = await ImportRun.RunAsync(file, "--format", "reviews-csv", "--map", Map);

        Assert.Equal(("import:reviews-csv", 3L, 3L, 0L), (summary.Source, summary.RowsRead, summary.EventsSent, summary.RowsRejected));
        Assert.Equal(new Dictionary<string, long> { [EventNames.ProductReviewed] = 3 }, summary.EventsByName);
        Assert.Equal(
            [
                ("u1", Utc(2024, 4, 2, 10), "sku-1", "Dresses", "2", "Runs small, had to return it. She said \"meh\".", "Too small"),
                ("17850", Utc(2024, 4, 2, 10), "sku-2", null, "5", "Lovely.\nWould buy again", null),
                ("u3", Utc(2024, 4, 3), null, "Knits", "4.5", "Only a title", null),
            ],
            events.Select(e => (e.UserId, e.Timestamp, Text(e, "product_id"), Text(e, "category"), Text(e, "rating"), Text(e, "review_body"), Text(e, "title"))));
        foreach (var e in events)
        {
            Assert.Equal((MessageType.Track, EventNames.ProductReviewed, "import:reviews-csv"), (e.Type, e.Event, e.Source));
            Assert.Equal(e.Timestamp, e.OriginalTimestamp);
            Assert.Equal(ImportClock.Now, e.ReceivedAt);
            Assert.Matches("^import-[0-9a-f]{32}$", e.MessageId);
            Assert.Equal(e.MessageId, Text(e, "review_id"));
            Assert.Equal(JsonValueKind.Number, Props(e).GetProperty("rating").ValueKind);
        }
        Assert.Equal(3, events.Select(e => e.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task ReviewsCsv_ReviewIdColumn_IsTheReviewIdAndMakesTheMessageId()
    {
        var file = files.Write("reviews.csv", "id,user,text,rating,time\nr-1,u1,Great,5,2024-04-02\nr-2,u1,Bad,1,2024-04-02\n");
        var moved = files.Write("moved.csv", "time,rating,text,user,id\n2024-04-02,1,Bad,u1,r-2\n");
        const string map = "customer=user,text=text,rating=rating,time=time,review=id";

        var first = await ImportRun.RunAsync(file, "--format", "reviews-csv", "--map", map);
        var other = await ImportRun.RunAsync(moved, "--format", "reviews-csv", "--map", map);

        Assert.Equal(["r-1", "r-2"], first.Events.Select(e => Text(e, "review_id")));
        Assert.Equal(first.Events[1].MessageId, Assert.Single(other.Events).MessageId); // the same review in another layout of the file
    }

    [Fact]
    public async Task ReviewsCsv_BadRows_AreRejectedWithReasonsNamingTheColumn_AndTheirLines()
    {
        var file = files.Write("reviews.csv", Header +
            "u1,t,fine,5,2024-04-02,s,c\n" +          // 2 ok
            "u1,t,fine,6,2024-04-02,s,c\n" +          // 3 rating out of range
            "u1,t,fine,five,2024-04-02,s,c\n" +       // 4 rating not a number
            "u1,t,fine,0,2024-04-02,s,c\n" +          // 5 rating out of range
            "u1,t,fine,,2024-04-02,s,c\n" +           // 6 no rating
            "u1,t,fine,3,yesterday,s,c\n" +           // 7 bad time
            "u1,t,fine,3,,s,c\n" +                    // 8 no time
            ",t,fine,3,2024-04-02,s,c\n" +            // 9 no customer
            "u1,,,3,2024-04-02,s,c\n" +               // 10 no text, no title
            "u1, ,  ,3,2024-04-02,s,c\n" +            // 11 blank text and title
            "u1,t,fine,3,2024-04-02,s\n" +            // 12 short row
            "u1,t,fine,-1,2024-04-02,s,c\n");         // 13 negative rating

        var (summary, events, output) = await ImportRun.RunAsync(file, "--format", "reviews-csv", "--map", Map);

        Assert.Equal((12L, 1L, 11L), (summary.RowsRead, summary.EventsSent, summary.RowsRejected));
        Assert.Equal("u1", Assert.Single(events).UserId);
        Assert.Equal(
            [
                ("bad rating (column 'stars': not a number from 1 to 5)", 4L, new long[] { 3, 4, 5, 13 }),
                ("empty review (no text and no title)", 2L, [10, 11]),
                ("bad time (column 'created_at': not unix seconds or milliseconds, ISO 8601 or yyyyMMdd)", 1L, [7]),
                ("missing customer id", 1L, [9]),
                ("missing rating (column 'stars')", 1L, [6]),
                ("missing time (column 'created_at')", 1L, [8]),
                ("short row", 1L, [12]),
            ],
            summary.Rejections.Select(r => (r.Reason, r.Count, r.FirstLines.ToArray())));
        Assert.Contains("    bad rating (column 'stars': not a number from 1 to 5): 4 (lines 3, 4, 5, 13)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewsCsv_MissingMappedColumn_NamesTheColumnAndTheHeader()
    {
        var file = files.Write("reviews.csv", "user_id,Body,created_at\nu1,fine,2024-04-02\n");

        var error = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(file, "--format", "reviews-csv", "--map", "customer=user_id,text=Body,rating=stars,time=created_at"));

        Assert.Equal("reviews.csv has no column 'stars' for rating (--map); its header is: user_id,Body,created_at.", error.Message);
    }

    [Fact]
    public async Task ReviewsCsv_EmptyFile_SaysWhatTheHeaderShouldBe()
    {
        var file = files.Write("reviews.csv", "");

        var error = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(file, "--format", "reviews-csv", "--map", "customer=u,text=t,rating=r,time=w"));

        Assert.Equal("reviews.csv is empty: a reviews CSV starts with a header line (u,t,r,w).", error.Message);
    }

    [Fact]
    public async Task ReviewsCsv_SameFileTwice_GivesIdenticalEvents()
    {
        var file = files.Write("reviews.csv", Header + "u1,t,same,5,2024-04-02,s,c\nu1,t,same,5,2024-04-02,s,c\nu2,,other,1,2024-04-03,s,c\n");

        var first = await ImportRun.RunAsync(file, "--format", "reviews-csv", "--map", Map);
        var second = await ImportRun.RunAsync(file, "--format", "reviews-csv", "--map", Map);

        static object Key(JourneyEvent e) => (e.MessageId, e.UserId, e.Timestamp, e.Properties!.Value.GetRawText());
        Assert.Equal(first.Events.Select(Key), second.Events.Select(Key));
        Assert.Equal(3, first.Events.Select(e => e.MessageId).Distinct().Count()); // the same content on another line is another review
    }

    // ---- --preset clothing-reviews ---------------------------------------------------------------

    private const string ClothingHeader = ",Clothing ID,Age,Title,Review Text,Rating,Recommended IND,Positive Feedback Count,Division Name,Department Name,Class Name\n";

    [Fact]
    public async Task Clothing_EachRowIsItsOwnCustomer_TimesSpreadOverThe30DaysBeforeTheImport()
    {
        var file = files.Write("clothing.csv", ClothingHeader +
            "0,767,33,,Absolutely wonderful - silky and sexy and comfortable,4,1,0,Initmates,Intimate,Intimates\n" +
            "1,1077,60,Some major design flaws,\"I had such high hopes, really.\",3,0,0,General,Dresses,Dresses\n" +
            "2,1080,49,,,2,0,0,General,Dresses,Dresses\n" +
            "3,1095,39,Such a beautiful dress!,,5,1,0,General,Dresses,\n");

        var (summary, events, output) = await ImportRun.RunAsync(file, "--preset", "clothing-reviews");

        Assert.Equal(("import:clothing-reviews", 4L, 3L, 1L), (summary.Source, summary.RowsRead, summary.EventsSent, summary.RowsRejected));
        Assert.Contains("    empty review (no text and no title): 1 (line 4)", output, StringComparison.Ordinal);
        Assert.Equal(
            [
                ("clothing-0", "clothing-0", "767", "Intimates", "4", "Absolutely wonderful - silky and sexy and comfortable", null),
                ("clothing-1", "clothing-1", "1077", "Dresses", "3", "I had such high hopes, really.", "Some major design flaws"),
                ("clothing-3", "clothing-3", "1095", null, "5", "Such a beautiful dress!", null),
            ],
            events.Select(e => (e.UserId, Text(e, "review_id"), Text(e, "product_id"), Text(e, "category"), Text(e, "rating"), Text(e, "review_body"), Text(e, "title"))));
        Assert.All(events, e =>
        {
            Assert.InRange(e.Timestamp, ImportClock.Now.AddDays(-30), ImportClock.Now.AddSeconds(-1));
            Assert.Equal(ImportClock.Now, e.ReceivedAt);
        });
        Assert.Equal(3, events.Select(e => e.Timestamp).Distinct().Count());
    }

    [Fact]
    public async Task Clothing_ImportedAgainLater_SameMessageIds_TimesMoveWithTheImport()
    {
        var file = files.Write("clothing.csv", ClothingHeader +
            "0,767,33,,Wonderful,4,1,0,Initmates,Intimate,Intimates\n" +
            "1,1077,60,Flaws,Too tight,3,0,0,General,Dresses,Dresses\n");
        var later = ImportClock.Now.AddDays(3);

        var first = await ImportRun.RunAsync(file, "--preset", "clothing-reviews");
        var stream = new RecordingEventStream();
        await new ImportCommand(stream, new FakeTimeProvider(later), TextWriter.Null)
            .RunAsync(ImportArguments.Parse([file, "--preset", "clothing-reviews"]), CancellationToken.None);
        var second = stream.Events;

        Assert.Equal(first.Events.Select(e => e.MessageId), second.Select(e => e.MessageId));
        Assert.Equal(first.Events.Select(e => e.Timestamp.AddDays(3)), second.Select(e => e.Timestamp));
    }

    [Fact]
    public async Task Clothing_FileWithoutTheColumns_SaysWhichIsMissing()
    {
        var file = files.Write("clothing.csv", "Clothing ID,Title,Review Text,Rating\n1,t,x,5\n");

        var error = await Assert.ThrowsAsync<ImportInputException>(() => ImportRun.RunAsync(file, "--preset", "clothing-reviews"));

        Assert.StartsWith("clothing.csv has no column '", error.Message, StringComparison.Ordinal);
        Assert.Contains("(preset clothing-reviews); its header is: Clothing ID,Title,Review Text,Rating.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clothing_BadRating_IsRejectedNamingTheColumn()
    {
        var file = files.Write("clothing.csv", ClothingHeader +
            "0,767,33,,\"Nice,\nreally\",5,1,0,General,Tops,Knits\n" +   // lines 2-3: a review over two lines
            "1,767,33,,Nice,9,1,0,General,Tops,Knits\n");                 // line 4

        var (summary, events, output) = await ImportRun.RunAsync(file, "--preset", "clothing-reviews");

        Assert.Equal("Nice,\nreally", Text(Assert.Single(events), "review_body"));
        Assert.Equal(("bad rating (column 'Rating': not a number from 1 to 5)", 1L), (summary.Rejections[0].Reason, summary.Rejections[0].Count));
        Assert.Contains("(line 4)", output, StringComparison.Ordinal);
    }
}
