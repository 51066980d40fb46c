using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;

namespace Journey.Domain.Tests.PainPoints;

public sealed class PainPointAnalysisTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly PeriodWindow Window = PeriodWindow.Ending(new DateOnly(2026, 11, 30), 30);

    private static readonly string[][] Topics =
    [
        ["the dress runs small", "sizing runs small, order a size up", "runs small in the chest", "this top runs small and tight"],
        ["the parcel arrived late", "delivery was late by a week", "late delivery, no tracking", "shipping took too long, arrived late"],
        ["the fabric is thin and cheap", "cheap thin fabric, see-through", "thin fabric that pills", "the material feels cheap and thin"],
    ];

    /// <summary>A unit vector near axis <paramref name="topic"/>, a little off it so the members differ.</summary>
    private static float[] Near(int topic, int member)
    {
        var v = new float[8];
        v[topic] = 1f;
        v[3 + (member % 5)] = 0.05f * (1 + member % 3);
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static EmbeddedFeedback Text(int topic, int member, DateTimeOffset time, string customer, double rating = 2, string stage = "Conversion")
    {
        var text = Topics[topic][member % Topics[topic].Length];
        return new EmbeddedFeedback(new FeedbackItem
        {
            Id = $"{customer}-{topic}-{member}:review_body",
            Period = FeedbackItem.PeriodOf(time),
            Kind = FeedbackKinds.Review,
            CustomerId = customer,
            MessageId = $"{customer}-{topic}-{member}",
            Field = "review_body",
            Time = time,
            Stage = stage,
            ProductId = $"p{topic}",
            Category = topic == 1 ? null : "Dresses",
            Channel = "email",
            Rating = rating,
            Text = text,
            TextHash = $"{topic}-{member % Topics[topic].Length}",
        }, Near(topic, member));
    }

    private static List<EmbeddedFeedback> Period(int[] sizes, DateTimeOffset time, string prefix)
    {
        var texts = new List<EmbeddedFeedback>();
        for (var topic = 0; topic < sizes.Length; topic++)
        {
            for (var m = 0; m < sizes[topic]; m++) texts.Add(Text(topic, m, time, $"{prefix}{topic}-{m % 7}"));
        }
        return texts;
    }

    [Fact]
    public void SeparateTopics_BecomeOnePainPointEach_LargestFirst_WithCountsAndTrend()
    {
        var current = Period([30, 20, 10], Day, "c");
        var previous = Period([10, 20, 0], Day.AddDays(-30), "p");
        var options = new SummarizerOptions { MinClusters = 2, MinClusterSize = 5 };
        var analysis = PainPointAnalysis.Run(current, previous, options);

        Assert.Equal(3, analysis.Clusters.Count);
        Assert.Equal([30, 20, 10], analysis.Clusters.Select(c => c.Members.Count));
        var clv = current.Select(c => c.Item.CustomerId).Distinct().ToDictionary(id => id, id => (id, id.StartsWith("c0", StringComparison.Ordinal) ? (double?)10 : null));
        var documents = analysis.Documents(Window, [], clv, "minilm", Day, options);

        Assert.Equal(3, documents.Count); // nothing left over: no "other"
        var sizing = documents[0];
        Assert.Equal("2026-11-01..2026-11-30:1", sizing.Id);
        Assert.Equal(30, sizing.Texts);
        Assert.Equal(7, sizing.Customers);
        Assert.Equal(0.5, sizing.Share);
        Assert.Equal(70, sizing.RevenueAtRisk); // 7 customers with a predicted CLV of 10
        Assert.Equal(7, sizing.CustomersWithPrediction);
        Assert.Equal(2, sizing.AverageRating);
        Assert.Equal(new Dictionary<string, int> { ["Conversion"] = 30 }, sizing.Stages);
        Assert.Equal([new NamedCount("p0", 30)], sizing.Products);
        Assert.Contains(sizing.KeyPhrases, p => p.Contains("small", StringComparison.Ordinal));
        Assert.Equal(3, sizing.Quotes.Count);
        Assert.Equal(3, sizing.Quotes.Distinct().Count());
        Assert.All(sizing.Quotes, q => Assert.Contains(q, Topics[0]));
        Assert.Equal("growing", sizing.Trend); // 50 % now, 10 of 30 before
        Assert.Equal(10, sizing.PreviousTexts);

        Assert.Equal("shrinking", documents[1].Trend); // a third now, two thirds before
        Assert.Equal("new", documents[2].Trend);
        Assert.Equal(0, documents[2].RevenueAtRisk);
        Assert.Equal([new NamedCount("p2", 10)], documents[2].Products);
        Assert.Contains("20 texts from 7 customers", documents[1].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesFromANamer_ReplaceTheLocalLabel_OnlyWhereGiven()
    {
        var current = Period([12, 12], Day, "c");
        var options = new SummarizerOptions { MinClusters = 2 };
        var analysis = PainPointAnalysis.Run(current, [], options);
        var sketches = analysis.Sketches();
        Assert.Equal(2, sketches.Count);
        Assert.All(sketches, s => Assert.True(s.Quotes.Count is > 0 and <= 3));

        var documents = analysis.Documents(Window, [new ClusterName("Sizing runs small", "Customers find the sizes small.", "Add a size guide."), null], new Dictionary<string, (string, double?)>(), "minilm", Day, options);
        Assert.Equal("Sizing runs small", documents[0].Label);
        Assert.Equal("Add a size guide.", documents[0].SuggestedFix);
        Assert.Equal(analysis.Clusters[1].LocalLabel, documents[1].Label);
        Assert.Null(documents[1].SuggestedFix);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void TooFewTexts_GoToOther_WithoutFailing(int count)
    {
        var current = Period([count], Day, "c");
        var analysis = PainPointAnalysis.Run(current, [], new SummarizerOptions());
        Assert.Empty(analysis.Clusters);
        var documents = analysis.Documents(Window, [], new Dictionary<string, (string, double?)>(), "minilm", Day, new SummarizerOptions());
        if (count == 0)
        {
            Assert.Empty(documents);
            return;
        }
        var other = Assert.Single(documents);
        Assert.True(other.IsOther);
        Assert.Equal(count, other.Texts);
        Assert.Equal(1.0, other.Share);
    }

    [Fact]
    public void TheSameTexts_GiveTheSameDocuments()
    {
        var options = new SummarizerOptions();
        string Run() => Journey.Domain.Serialization.JourneyJson.Serialize(PainPointAnalysis.Run(Period([15, 9, 6], Day, "c"), Period([5, 5, 5], Day.AddDays(-30), "p"), options)
            .Documents(Window, [], new Dictionary<string, (string, double?)>(), "minilm", Day, options).ToList());
        Assert.Equal(Run(), Run());
    }
}
