using Journey.Domain.Metrics;

namespace Journey.Domain.Tests.Metrics;

public sealed class ClvRankingTests
{
    private static BuyerRow Row(string id, double revenue, double? predicted = null, int orders = 1, string channel = "organic") => new()
    {
        Id = id,
        Channel = channel,
        Orders = orders,
        Revenue = revenue,
        Scored = predicted is not null,
        PredictedClv = predicted ?? 0,
        ProbabilityAlive = predicted is null ? 0 : 0.5,
        ExpectedPurchases365 = predicted is null ? 0 : 1.25,
        Segment = RfmSegment.Champions,
    };

    [Theory]
    [InlineData(0.001, 0.01)]
    [InlineData(5.56, 6)]
    [InlineData(6, 6)]
    [InlineData(6.01, 8)]
    [InlineData(8.5, 10)]
    [InlineData(11, 15)]
    [InlineData(27.8, 30)]
    [InlineData(1234, 1500)]
    public void RoundWidth_IsTheSmallestRoundNumberNotBelowTheGivenOne(double atLeast, double expected) =>
        Assert.Equal(expected, ClvRanking.RoundWidth(atLeast), 9);

    [Fact]
    public void Histogram_HasRoundClosedBinsUpToThe95thPercentile_ThenAnOpenTopBin()
    {
        // 0, 1, ..., 99 and one customer at 10,000: the 95th percentile is 95, so width 6 (95 / 18 = 5.3).
        var rows = Enumerable.Range(0, 100).Select(i => Row($"c{i:D3}", i)).Append(Row("whale", 10_000)).ToArray();

        var bins = ClvRanking.Histogram(rows);

        Assert.Equal(17, bins.Count); // 16 closed bins (0-96) and the open one
        Assert.Equal(new ClvBin(0, 6, 6), bins[0]);
        Assert.Equal(new ClvBin(90, 96, 6), bins[15]);
        Assert.Equal(new ClvBin(96, null, 5), bins[^1]); // 96..99 and the whale
        Assert.Equal(101, bins.Sum(b => b.Customers));
        Assert.All(bins.Skip(1), (b, i) => Assert.Equal(bins[i].To, b.From));
        Assert.InRange(bins.Count, 13, 19);
    }

    [Fact]
    public void Histogram_OfEqualOrNegativeValues_PutsThemInTheFirstBin_AndOfNoRowsIsEmpty()
    {
        var bins = ClvRanking.Histogram([Row("a", 0), Row("b", 0), Row("c", -5)]);

        Assert.Equal([new ClvBin(0, 0.01, 3), new ClvBin(0.01, null, 0)], bins);
        Assert.Empty(ClvRanking.Histogram([]));
    }

    [Fact]
    public void Histogram_ByPredictedClv_WhenTheRowsAreScored()
    {
        var rows = Enumerable.Range(0, 40).Select(i => Row($"c{i:D2}", revenue: 1_000, predicted: i * 10)).ToArray();

        var bins = ClvRanking.Histogram(rows);

        Assert.Equal(0, bins[0].From);
        Assert.Equal(25, bins[0].To); // the 95th percentile 380 / 18 = 21.1: width 25
        Assert.Equal(40, bins.Sum(b => b.Customers));
    }

    [Fact]
    public void Top_IsTheTwentyHighest_TiesByIdAscending()
    {
        var rows = Enumerable.Range(0, 30).Select(i => Row($"c{29 - i:D2}", revenue: i < 10 ? 500 : i, orders: i + 1)).ToArray();

        var top = ClvRanking.Top(rows);

        Assert.Equal(20, top.Count);
        Assert.Equal(["c20", "c21", "c22", "c23", "c24", "c25", "c26", "c27", "c28", "c29"], top.Take(10).Select(t => t.Id)); // the ten at 500, by id
        Assert.Equal(("c00", 29.0, 30), (top[10].Id, top[10].HistoricalClv, top[10].Orders)); // then 29, 28, ..., 20
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 29.0 - i), top.Skip(10).Select(t => t.HistoricalClv));
        var first = top[0];
        Assert.Equal(new ClvTopCustomer("c20", 10, 500, null, null, null, "organic", "champions"), first);
    }

    [Fact]
    public void Top_OfScoredRows_RanksByPredictedClv_AndGivesTheModelsFigures()
    {
        var top = ClvRanking.Top([Row("a", revenue: 900, predicted: 10), Row("b", revenue: 10, predicted: 300, channel: "email")]);

        Assert.Equal(["b", "a"], top.Select(t => t.Id));
        Assert.Equal(new ClvTopCustomer("b", 1, 10, 300, 0.5, 1.25, "email", "champions"), top[0]);
    }
}

public sealed class ClvTopListTests
{
    [Fact]
    public void Without_TakesTheGivenIdsOutOfTheTopList_AndKeepsTheRest()
    {
        using var json = System.Text.Json.JsonDocument.Parse("""{"status":"fitted","top":[{"id":"a","orders":2},{"id":"b","orders":1},{"id":"c"}],"histogram":[{"from":0,"customers":3}]}""");

        var (data, removed) = ClvTopList.Without(json.RootElement, new HashSet<string> { "b", "c", "z" })!.Value;

        Assert.Equal(2, removed);
        Assert.Equal(["a"], data.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.Equal(2, data.GetProperty("top")[0].GetProperty("orders").GetInt32());
        Assert.Equal("fitted", data.GetProperty("status").GetString());
        Assert.Equal(3, data.GetProperty("histogram")[0].GetProperty("customers").GetInt32());
        Assert.Null(ClvTopList.Without(json.RootElement, new HashSet<string> { "z" }));
        using var old = System.Text.Json.JsonDocument.Parse("""{"status":"fitted"}""");
        Assert.Null(ClvTopList.Without(old.RootElement, new HashSet<string> { "a" }));
    }
}
