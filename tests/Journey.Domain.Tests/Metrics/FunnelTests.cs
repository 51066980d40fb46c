using Journey.Domain.Customers;
using Journey.Domain.Metrics;
using Journey.Testing;
using static Journey.Testing.CustomerBuilder;

namespace Journey.Domain.Tests.Metrics;

public sealed class FunnelTests
{
    private static readonly DateOnly AsOf = new(2026, 3, 20);

    /// <summary>
    /// A (organic, mobile): Consideration day 2, Conversion day 4. B (organic, desktop): straight to Conversion on day 1.
    /// C (paid, mobile): Awareness only. D (paid, desktop): Consideration day 3, Conversion day 6, Retention after D.
    /// </summary>
    private static FunnelMetrics Compute()
    {
        var start = Day(3, 1);
        var d = new CustomerBuilder("D", start, "paid", "desktop").Reached(Stage.Consideration, start.AddDays(3)).Reached(Stage.Conversion, start.AddDays(6))
            .Reached(Stage.Retention, Day(3, 25), active: false).Build(); // after D: a refold would not see it either
        var docs = new[]
        {
            new CustomerBuilder("A", start, "organic", "mobile").Reached(Stage.Consideration, start.AddDays(2)).Reached(Stage.Conversion, start.AddDays(4)).Build(),
            new CustomerBuilder("B", start, "organic", "desktop").Reached(Stage.Conversion, start.AddDays(1)).Build(),
            new CustomerBuilder("C", start, "paid", "mobile").Build(),
            d,
        };
        var funnel = new FunnelAccumulator();
        foreach (var doc in docs) funnel.Add(MetricsTestData.Facts(doc, AsOf));
        return funnel.Result();
    }

    [Fact]
    public void Stages_CountCustomersWhoReachedOrPassedEachStage_WithConversionFromThePrevious()
    {
        var m = Compute();

        Assert.Equal(4, m.Customers);
        Assert.Equal(
        [
            new FunnelStage("Awareness", 4, null, 0),
            new FunnelStage("Consideration", 3, 75, 2, 2), // A 2, B 1 (skipped: its order's day), D 3 days after first seen
            new FunnelStage("Conversion", 3, 100, 4, 2),   // from Consideration: A 2, B 0, D 3
            new FunnelStage("Retention", 0, 0, null),
            new FunnelStage("Advocacy", 0, null, null),
        ], m.Stages);
    }

    [Fact]
    public void ByChannelAndByFirstDevice_SplitTheFunnel()
    {
        var m = Compute();

        Assert.Equal(["organic", "paid"], m.ByChannel.Select(s => s.Segment));
        Assert.Equal([2L, 2L, 2L, 0L, 0L], m.ByChannel[0].Stages.Select(s => s.Customers));
        Assert.Equal([2L, 1L, 1L, 0L, 0L], m.ByChannel[1].Stages.Select(s => s.Customers));
        Assert.Equal([null, 50.0, 100.0, 0.0, null], m.ByChannel[1].Stages.Select(s => s.ConversionFromPrevious));
        Assert.Equal(["desktop", "mobile"], m.ByFirstDevice.Select(s => s.Segment));
        Assert.Equal([2L, 2L, 2L, 0L, 0L], m.ByFirstDevice[0].Stages.Select(s => s.Customers));
        Assert.Equal([2L, 1L, 1L, 0L, 0L], m.ByFirstDevice[1].Stages.Select(s => s.Customers));
        Assert.Equal(2, m.ByFirstDevice[1].Customers);
    }

    [Fact]
    public void Segments_HaveTheMedianDaysFromFirstSeenAndFromThePreviousStage()
    {
        var m = Compute();

        var organic = m.ByChannel[0].Stages; // A and B
        Assert.Equal([0.0, 1.5, 2.5, null, null], organic.Select(s => s.MedianDaysFromFirstSeen));
        Assert.Equal([null, 1.5, 1.0, null, null], organic.Select(s => s.MedianDaysFromPrevious));
        var paid = m.ByChannel[1].Stages; // C (Awareness only) and D
        Assert.Equal([0.0, 3.0, 6.0, null, null], paid.Select(s => s.MedianDaysFromFirstSeen));
        Assert.Equal([null, 3.0, 3.0, null, null], paid.Select(s => s.MedianDaysFromPrevious));
        var desktop = m.ByFirstDevice[0].Stages; // B and D
        Assert.Equal([null, 2.0, 1.5, null, null], desktop.Select(s => s.MedianDaysFromPrevious));
    }

    [Fact]
    public void MedianDaysFromPrevious_CountsOnlyTheCustomersWhoReachedTheStage_AndIsNullWithoutAny()
    {
        var start = Day(3, 1);
        var funnel = new FunnelAccumulator();
        funnel.Add(MetricsTestData.Facts(new CustomerBuilder("A", start, "email", "mobile").Reached(Stage.Consideration, start.AddHours(12)).Build(), AsOf));
        funnel.Add(MetricsTestData.Facts(new CustomerBuilder("B", start, "email", "mobile").Build(), AsOf));

        var stages = funnel.Result().Stages;

        Assert.Null(stages[0].MedianDaysFromPrevious);
        Assert.Equal(0.5, stages[1].MedianDaysFromPrevious);
        Assert.Null(stages[2].MedianDaysFromPrevious);
        Assert.Null(stages[2].MedianDaysFromFirstSeen);
    }
}
