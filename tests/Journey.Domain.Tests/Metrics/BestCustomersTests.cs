using Journey.Domain.Metrics;

namespace Journey.Domain.Tests.Metrics;

public sealed class BestCustomersTests
{
    /// <summary>Ten scored customers with predicted CLV 10 … 100; the best (100) came by email on mobile and bought shoes first.</summary>
    private static BuyerRow[] Rows(bool scored = true) =>
    [
        .. Enumerable.Range(1, 10).Select(i => new BuyerRow
        {
            Id = $"c{i:D2}",
            Channel = i == 10 ? "email" : i % 2 == 0 ? "paid" : "organic",
            FirstDevice = i == 10 ? "mobile" : "desktop",
            FirstCategory = i == 10 ? "shoes" : "hats",
            DaysToFirstOrder = i == 10 ? 2 : i,
            Orders = i == 10 ? 6 : 1,
            Revenue = i == 10 ? 300 : 20 * i,
            Feedback = i == 10,
            Review = i is 10 or 1,
            EmailOpens = i == 10 ? 3 : 0,
            EmailClicks = i == 10 ? 1 : 0,
            Scored = scored,
            PredictedClv = 10 * i,
        }),
    ];

    [Fact]
    public void Compute_TopDecileByPredictedClv_AgainstTheRest()
    {
        var m = BestCustomers.Compute(Rows(), 0.1);

        Assert.Equal(("predictedClv", 0.1, 100.0), (m.RankedBy, m.TopShare, m.Threshold!.Value));
        var best = m.Best;
        Assert.Equal((1L, 100.0, 300.0, 6.0, 2.0), (best.Customers, best.AveragePredictedClv, best.AverageHistoricalClv, best.AverageOrders, best.MedianDaysToFirstOrder!.Value));
        Assert.Equal([new MixShare("email", 1, 100)], best.Channels);
        Assert.Equal([new MixShare("mobile", 1, 100)], best.FirstDevices);
        Assert.Equal([new MixShare("shoes", 1, 100)], best.FirstCategories);
        Assert.Equal((100.0, 100.0, 100.0, 100.0, 3.0, 1.0), (best.FeedbackRate, best.ReviewRate, best.EmailOpenRate, best.EmailClickRate, best.AverageEmailOpens, best.AverageEmailClicks));

        var rest = m.Rest;
        Assert.Equal(9, rest.Customers);
        Assert.Equal(50.0, rest.AveragePredictedClv);
        Assert.Equal(5.0, rest.MedianDaysToFirstOrder);
        Assert.Equal([new MixShare("organic", 5, 55.56), new MixShare("paid", 4, 44.44)], rest.Channels);
        Assert.Equal([new MixShare("hats", 9, 100)], rest.FirstCategories);
        Assert.Equal((0.0, 11.11, 0.0), (rest.FeedbackRate, rest.ReviewRate, rest.EmailOpenRate));
    }

    [Fact]
    public void Compute_WithoutAFittedModel_RanksByHistoricalClv()
    {
        var rows = Rows(scored: false);
        rows[0].Revenue = 1000; // c01 spent the most

        var m = BestCustomers.Compute(rows, 0.1);

        Assert.Equal("historicalClv", m.RankedBy);
        Assert.Equal(1000, m.Threshold);
        Assert.Equal([new MixShare("organic", 1, 100)], m.Best.Channels);
    }

    [Fact]
    public void Compute_TopShareRoundsUp_AndTiesAreBrokenById()
    {
        var rows = Rows();
        foreach (ref var row in rows.AsSpan()) row.PredictedClv = 5;

        var m = BestCustomers.Compute(rows, 0.15);

        Assert.Equal(2, m.Best.Customers); // ceil(10 x 0.15)
        Assert.Equal([new MixShare("organic", 1, 50), new MixShare("paid", 1, 50)], m.Best.Channels); // c01, c02
    }
}
