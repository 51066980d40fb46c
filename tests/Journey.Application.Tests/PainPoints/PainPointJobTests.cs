using Journey.Application.PainPoints;
using Journey.Application.Processing;
using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Application.Tests.PainPoints;

public sealed class PainPointJobTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
    private static readonly PeriodWindow November = new(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30));

    private static readonly string[] Keywords = ["small", "late", "thin"];

    private static readonly string[][] Topics =
    [
        ["Runs small, order a size up", "the dress runs small", "way too small in the chest", "small and tight"],
        ["arrived late", "late delivery and no tracking", "parcel was a week late", "late, late, late"],
        ["thin fabric", "the fabric is thin and see-through", "thin, cheap material", "so thin it tore"],
    ];

    private readonly InMemoryFeedbackStore _feedback = new();
    private readonly InMemoryPainPointStore _painPoints = new();
    private readonly InMemoryJourneyStore _customers = new();

    private PainPointJob Job(SummarizerEngines engines, SummarizerOptions? options = null) =>
        new(_feedback, _painPoints, new CustomerLookup(_customers), engines, options ?? new SummarizerOptions { MinClusters = 2 }, new FakeTimeProvider(Now), NullLogger<PainPointJob>.Instance);

    private static FeedbackItem Item(string id, string customer, string text, DateTimeOffset time, double rating, string kind = FeedbackKinds.Review) => new()
    {
        Id = $"{id}:review_body",
        Period = FeedbackItem.PeriodOf(time),
        Kind = kind,
        CustomerId = customer,
        MessageId = id,
        Field = "review_body",
        Time = time,
        Stage = "Conversion",
        ProductId = "p1",
        Rating = rating,
        Text = text,
        TextHash = FeedbackExtractor.HashOf(null, text),
    };

    /// <summary>November: 12 texts on sizing, 8 on delivery, 6 on fabric, 10 happy reviews; October: 4 on delivery.</summary>
    private async Task SeedAsync()
    {
        var items = new List<FeedbackItem>();
        int[] sizes = [12, 8, 6];
        for (var topic = 0; topic < 3; topic++)
        {
            for (var i = 0; i < sizes[topic]; i++)
                items.Add(Item($"n{topic}-{i}", $"c{topic}-{i}", Topics[topic][i % 4], new DateTimeOffset(2026, 11, 2 + i, 10, 0, 0, TimeSpan.Zero), rating: 1 + i % 2));
        }
        for (var i = 0; i < 10; i++)
            items.Add(Item($"happy-{i}", $"h{i}", "Love it, fits perfectly", new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero), rating: 5));
        for (var i = 0; i < 4; i++)
            items.Add(Item($"o{i}", $"o{i}", Topics[1][i], new DateTimeOffset(2026, 10, 10 + i, 10, 0, 0, TimeSpan.Zero), rating: 2));
        await _feedback.AddAsync(items, CancellationToken.None);

        // Two of the sizing customers have a predicted CLV; one of them was merged into another profile.
        await _customers.CreateAsync(new CustomerDocument { Id = "c0-0", Predictions = new Predictions { PredictedClv = 120 } }, CancellationToken.None);
        await _customers.CreateAsync(new CustomerDocument { Id = "c0-1", MergedInto = "u-merged" }, CancellationToken.None);
        await _customers.CreateAsync(new CustomerDocument { Id = "u-merged", Predictions = new Predictions { PredictedClv = 30.5 } }, CancellationToken.None);
    }

    [Fact]
    public async Task ARun_ClustersTheNegativeTexts_CountsCustomersAndRevenue_AndWritesThePeriod()
    {
        await SeedAsync();
        var embedder = new KeywordEmbedder("keywords-v1");
        var summary = await Job(new SummarizerEngines(embedder)).RunAsync(November, CancellationToken.None);

        Assert.Equal(36, summary.Items);
        Assert.Equal(26, summary.Negatives); // the happy reviews are not pain points
        Assert.Equal(4, summary.PreviousNegatives);
        Assert.Equal(12, summary.Embedded); // distinct texts only: 4 per topic, October's 4 are November's delivery texts
        Assert.Equal("keywords-v1", summary.Method);

        var stored = await _painPoints.LatestAsync(CancellationToken.None);
        Assert.Equal(summary.Documents.Select(d => d.Id), stored.Select(d => d.Id));
        Assert.Equal([12, 8, 6], stored.Select(d => d.Texts));
        Assert.Contains("small", stored[0].Label, StringComparison.Ordinal);
        Assert.Contains("late", stored[1].Label, StringComparison.Ordinal);
        Assert.Equal(150.5, stored[0].RevenueAtRisk); // 120 + 30.5 through the merge
        Assert.Equal(2, stored[0].CustomersWithPrediction);
        Assert.Equal("new", stored[0].Trend);
        Assert.Equal(4, stored[1].PreviousTexts);
        Assert.Equal("shrinking", stored[1].Trend); // 8 of 26 now against 4 of 4 in October
        Assert.Equal(26, summary.Assignments.Count);
        Assert.All(summary.Assignments, a => Assert.Equal(stored[a.Cluster].Label, a.Label));
    }

    [Fact]
    public async Task ASecondRun_EmbedsNothing_AndWritesTheSameDocuments()
    {
        await SeedAsync();
        var embedder = new KeywordEmbedder("keywords-v1");
        var job = Job(new SummarizerEngines(embedder));
        var first = await job.RunAsync(November, CancellationToken.None);
        var calls = embedder.TextsEmbedded;

        var second = await job.RunAsync(November, CancellationToken.None);
        Assert.Equal(calls, embedder.TextsEmbedded);
        Assert.Equal(0, second.Embedded);
        Assert.Equal(30, second.Reused);
        Assert.Equal(Journey.Domain.Serialization.JourneyJson.Serialize(first.Documents.ToList()), Journey.Domain.Serialization.JourneyJson.Serialize(second.Documents.ToList()));
        Assert.All(_feedback.All().Where(i => i.Rating <= 3), i => Assert.Equal("keywords-v1", i.Embedding?.Model));
        Assert.All(_feedback.All().Where(i => i.Rating > 3), i => Assert.Null(i.Embedding));

        // Another model: every text is embedded again.
        var other = new KeywordEmbedder("keywords-v2");
        var third = await Job(new SummarizerEngines(other)).RunAsync(November, CancellationToken.None);
        Assert.Equal(12, third.Embedded);
    }

    [Fact]
    public async Task WhenTheRemoteEmbedderIsUnavailable_TheRunEmbedsLocally_AndKeepsTheRemoteCache()
    {
        await SeedAsync();
        var local = new KeywordEmbedder("local");
        var remote = new FailingEmbedder();
        var namer = new FirstClusterNamer();
        var summary = await Job(new SummarizerEngines(local, () => new SummarizerRemote(remote, namer))).RunAsync(November, CancellationToken.None);

        Assert.Equal(1, remote.Calls);
        Assert.Equal("local+openai-names", summary.Method);
        Assert.Equal(3, summary.Documents.Count);
        Assert.Equal("Sizing runs small", summary.Documents[0].Label);
        Assert.Equal("Add a size guide.", summary.Documents[0].SuggestedFix);
        Assert.NotEqual("Sizing runs small", summary.Documents[1].Label); // the namer gave nothing for it: the local label stays
        Assert.All(_feedback.All(), i => Assert.Null(i.Embedding)); // the fallback's vectors are not stored
    }

    [Fact]
    public async Task AnEmptyPeriod_WritesNoDocuments_AndDoesNotCallTheEmbedder()
    {
        var embedder = new KeywordEmbedder("keywords-v1");
        var summary = await Job(new SummarizerEngines(embedder)).RunAsync(November, CancellationToken.None);
        Assert.Empty(summary.Documents);
        Assert.Equal(0, embedder.TextsEmbedded);
        Assert.Empty(await _painPoints.ListAsync(November.Period, CancellationToken.None));
    }

    /// <summary>One axis per keyword (and one for none), a little of a hash of the text, normalized.</summary>
    private sealed class KeywordEmbedder(string model) : ITextEmbedder
    {
        private int _texts;
        public string Model => model;
        public int TextsEmbedded => Volatile.Read(ref _texts);

        public Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _texts, texts.Count);
            return Task.FromResult<IReadOnlyList<float[]>>(texts.Select(Vector).ToList());
        }

        private static float[] Vector(string text)
        {
            var v = new float[Keywords.Length + 2];
            var k = Array.FindIndex(Keywords, w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
            v[k < 0 ? Keywords.Length : k] = 1;
            v[^1] = (text.Length % 10) / 100f;
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return [.. v.Select(x => x / norm)];
        }
    }

    private sealed class FailingEmbedder : ITextEmbedder
    {
        public int Calls { get; private set; }
        public string Model => "azure-openai:test/embeddings";

        public Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            Calls++;
            throw new SummarizerBudgetExceededException("the run's token cap (10) would be passed");
        }
    }

    private sealed class FirstClusterNamer : IClusterNamer
    {
        public Task<IReadOnlyList<ClusterName?>> NameAsync(IReadOnlyList<ClusterSketch> clusters, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ClusterName?>>(clusters.Select((c, i) => i == 0 ? new ClusterName("Sizing runs small", "Customers find the sizes small.", "Add a size guide.") : null).ToList());
    }
}
