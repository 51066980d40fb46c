using Journey.Domain.Events;
using Journey.Functions.Import;
using Journey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Functions.Tests.Import;

/// <summary>Imports the real Women's clothing e-commerce reviews of the shared data sets (not part of the repository).</summary>
public sealed class RealDataReviewsImportTests
{
    private const string ClothingFile = "reviews/womens_clothing_ecommerce_reviews.csv.gz";

    // Counted with Python's csv module over the decompressed file: 23,486 rows; 845 without Review
    // Text, 844 of them without Title either; of the others, 13 without Class Name, and ratings
    // 1: 821, 2: 1,549, 3: 2,823, 4: 4,908, 5: 12,541.
    private const long Rows = 23_486;
    private const long Empty = 844;
    private const long TitleOnly = 1;
    private const long WithoutCategory = 13;

    [Fact]
    public async Task ClothingReviews_EveryRowWithTextOrTitle_IsOneProductReviewed()
    {
        var path = SharedData.Require(ClothingFile);
        var stream = new RecordingEventStream();
        var summary = await new ImportCommand(stream, ImportClock.Create(), TextWriter.Null)
            .RunAsync(ImportArguments.Parse([path, "--preset", "clothing-reviews"]), CancellationToken.None);

        Assert.Equal(Rows, summary.RowsRead);
        Assert.Equal(Rows - Empty, summary.EventsSent);
        var rejection = Assert.Single(summary.Rejections);
        Assert.Equal((ReviewsCsvReader.EmptyReview, Empty), (rejection.Reason, rejection.Count));
        Assert.Equal(new Dictionary<string, long> { [EventNames.ProductReviewed] = Rows - Empty }, summary.EventsByName);

        var events = stream.Events;
        Assert.Equal(Rows - Empty, events.Select(e => e.MessageId).Distinct().LongCount());
        Assert.Equal(Rows - Empty, events.Select(e => e.UserId).Distinct().LongCount());
        Assert.Equal(TitleOnly, events.LongCount(e => !e.Properties!.Value.TryGetProperty("title", out _) && e.Properties.Value.GetProperty("review_body").GetString() == "Such a beautiful dress!"));
        Assert.Equal(WithoutCategory, events.LongCount(e => !e.Properties!.Value.TryGetProperty("category", out _)));
        Assert.All(events, e => Assert.InRange(e.Timestamp, ImportClock.Now.AddDays(-30), ImportClock.Now.AddSeconds(-1)));
        // spread over the whole window: every one of the 30 days gets reviews
        Assert.Equal(30, events.Select(e => (int)(ImportClock.Now - e.Timestamp).TotalDays).Distinct().Count());

        // Row 2 of the file (index 2): "Some major design flaws", rated 3, Clothing ID 1077, a dress.
        var sample = Assert.Single(events, e => e.UserId == "clothing-2");
        var p = sample.Properties!.Value;
        Assert.Equal("clothing-2", p.GetProperty("review_id").GetString());
        Assert.Equal("1077", p.GetProperty("product_id").GetString());
        Assert.Equal("Dresses", p.GetProperty("category").GetString());
        Assert.Equal(3, p.GetProperty("rating").GetInt32());
        Assert.Equal("Some major design flaws", p.GetProperty("title").GetString());
        Assert.StartsWith("I had such high hopes for this dress and really wanted it to work for me.", p.GetProperty("review_body").GetString(), StringComparison.Ordinal);
        Assert.Equal(EventNames.ProductReviewed, sample.Event);
        Assert.Equal("import:clothing-reviews", sample.Source);

        var ratings = events.GroupBy(e => e.Properties!.Value.GetProperty("rating").GetInt32()).ToDictionary(g => g.Key, g => g.LongCount());
        Assert.Equal(new Dictionary<int, long> { [1] = 821, [2] = 1_549, [3] = 2_823, [4] = 4_908, [5] = 12_541 }, ratings);
    }

    [Fact]
    public async Task ClothingReviews_ImportedAgain_GivesTheSameMessageIds()
    {
        var path = SharedData.Require(ClothingFile);
        var first = new RecordingEventStream();
        var second = new RecordingEventStream();
        await new ImportCommand(first, ImportClock.Create(), TextWriter.Null)
            .RunAsync(ImportArguments.Parse([path, "--preset", "clothing-reviews"]), CancellationToken.None);
        await new ImportCommand(second, new FakeTimeProvider(ImportClock.Now.AddDays(1)), TextWriter.Null)
            .RunAsync(ImportArguments.Parse([path, "--preset", "clothing-reviews", "--batch", "777"]), CancellationToken.None);

        Assert.Equal(first.Events.Select(e => e.MessageId).Order(StringComparer.Ordinal), second.Events.Select(e => e.MessageId).Order(StringComparer.Ordinal));
    }
}
