using Journey.Domain.Metrics;
using Journey.Testing;
using static Journey.Testing.CustomerBuilder;

namespace Journey.Domain.Tests.Metrics;

public sealed class RfmTests
{
    private static readonly DateOnly AsOf = new(2026, 3, 31);

    /// <summary>c1 … c5: last order 1, 10, 30, 60, 90 days before D; 5 … 1 orders of 100 each.</summary>
    private static BuyerRow[] Rows()
    {
        int[] recency = [1, 10, 30, 60, 90];
        return [.. Enumerable.Range(0, 5).Select(i =>
        {
            var last = AsOf.ToDateTime(new TimeOnly(12, 0)).AddDays(-recency[i]);
            var b = new CustomerBuilder($"c{i + 1}", new DateTimeOffset(last.AddDays(-200), TimeSpan.Zero));
            for (var k = 0; k < 5 - i; k++) b.Order(new DateTimeOffset(last.AddDays(-k), TimeSpan.Zero), 100m);
            return MetricsTestData.Row(b.Build(), AsOf);
        })];
    }

    [Fact]
    public void Apply_ScoresQuintilesAndNamesSegments()
    {
        var rows = Rows();

        var m = RfmSegments.Apply(rows);

        Assert.Equal([5, 4, 3, 2, 1], rows.Select(r => (int)r.R));
        Assert.Equal([5, 4, 3, 2, 1], rows.Select(r => (int)r.F));
        Assert.Equal([5, 4, 3, 2, 1], rows.Select(r => (int)r.M));
        Assert.Equal(["champions", "loyal", "need_attention", "hibernating", "lost"], rows.Select(r => RfmSegments.Name(r.Segment)));
        Assert.Equal(5, m.Customers);
        var champions = m.Segments.Single(s => s.Segment == "champions");
        Assert.Equal((1L, 20.0, 1.0, 5.0, 500.0, 500.0), (champions.Customers, champions.Share, champions.AverageRecencyDays!.Value, champions.AverageOrders!.Value, champions.AverageRevenue!.Value, champions.Revenue));
        Assert.Equal(0, m.Segments.Single(s => s.Segment == "at_risk").Customers);
        Assert.Equal(11, m.Segments.Count);
        Assert.Equal(new RfmScoreRange(5, 1, 1, 1), m.Recency[4]);
        Assert.Equal(new RfmScoreRange(1, 1, 90, 90), m.Recency[0]);
        Assert.Equal(new RfmCell(5, 5, 1, "champions"), m.Grid[0]);
    }

    [Fact]
    public void Score_EqualValuesShareAScore_CountingOnlyStrictlyWorseValues()
    {
        double[] orders = [1, 1, 1, 1, 2];

        Assert.Equal(1, RfmSegments.Score(orders, 1, lowerIsBetter: false));
        Assert.Equal(5, RfmSegments.Score(orders, 2, lowerIsBetter: false));
        double[] days = [3, 3, 7, 7, 7, 7, 9, 9, 9, 20];
        Assert.Equal(5, RfmSegments.Score(days, 3, lowerIsBetter: true)); // 8 of 10 are worse
        Assert.Equal(3, RfmSegments.Score(days, 7, lowerIsBetter: true)); // 4 of 10
        Assert.Equal(1, RfmSegments.Score(days, 20, lowerIsBetter: true));
    }

    [Theory]
    [InlineData(5, 5, "champions")]
    [InlineData(5, 4, "champions")]
    [InlineData(4, 5, "loyal")]
    [InlineData(3, 4, "loyal")]
    [InlineData(5, 3, "potential_loyalists")]
    [InlineData(4, 2, "potential_loyalists")]
    [InlineData(5, 1, "new")]
    [InlineData(4, 1, "promising")]
    [InlineData(3, 3, "need_attention")]
    [InlineData(3, 2, "about_to_sleep")]
    [InlineData(3, 1, "about_to_sleep")]
    [InlineData(2, 5, "cant_lose")]
    [InlineData(1, 5, "cant_lose")]
    [InlineData(2, 4, "at_risk")]
    [InlineData(1, 3, "at_risk")]
    [InlineData(2, 2, "hibernating")]
    [InlineData(2, 1, "hibernating")]
    [InlineData(1, 2, "lost")]
    [InlineData(1, 1, "lost")]
    public void Classify_FollowsTheRuleTable(int r, int f, string segment) =>
        Assert.Equal(segment, RfmSegments.Name(RfmSegments.Classify(r, f)));

    [Fact]
    public void Classify_EveryCellHasExactlyOneSegment()
    {
        for (var r = 1; r <= 5; r++)
        {
            for (var f = 1; f <= 5; f++)
            {
                Assert.Single(RfmSegments.Rules, rule => r >= rule.RMin && r <= rule.RMax && f >= rule.FMin && f <= rule.FMax);
            }
        }
    }
}
