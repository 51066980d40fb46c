using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Metrics;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using Journey.Testing;
using static Journey.Testing.Events;

namespace Journey.Domain.Tests.Metrics;

public sealed class CustomerFactsTests
{
    private static readonly DateOnly March2 = new(2026, 3, 2);
    private static readonly DateOnly March3 = new(2026, 3, 3);
    private static readonly DateOnly March5 = new(2026, 3, 5);

    private static JourneyEvent Order(string id, DateTimeOffset at, decimal revenue) =>
        Track(EventNames.OrderCompleted, "a1", at: at, properties: new { order_id = id, revenue });

    /// <summary>A view and an order on 2 March, a second order on 5 March (T0 is 2 March, 10:00 UTC).</summary>
    private static CustomerDocument TwoOrderCustomer(Journeys h)
    {
        h.Add(
            Page("/", "a1", at: T0),
            Order("o1", T0.AddHours(1), 40m),
            Order("o2", T0.AddDays(3), 60m));
        return h.Customer;
    }

    [Fact]
    public void From_LastSeenOnOrBeforeD_UsesTheProjectionAsIs()
    {
        var h = new Journeys();
        var doc = TwoOrderCustomer(h);

        var facts = CustomerFacts.From(doc, March5, new JourneyFold(h.Options))!;

        Assert.Equal(FactsSource.Projection, facts.Source);
        Assert.Same(doc.Orders.History, facts.Orders);
        Assert.Equal(100m, facts.Revenue);
        Assert.Equal(Stage.Retention, facts.Stage);
        Assert.Equal([March2.DayNumber, March5.DayNumber], facts.ActiveDays);
    }

    [Fact]
    public void From_EventsAfterDAndNoCompaction_RefoldsTheTimelineUpToD_AndTheLateOrderDoesNotCount()
    {
        var h = new Journeys();
        var doc = TwoOrderCustomer(h);

        var facts = CustomerFacts.From(doc, March3, new JourneyFold(h.Options))!;

        Assert.Equal(FactsSource.Refold, facts.Source);
        Assert.False(facts.Approximate);
        Assert.Equal(["o1"], facts.Orders.Select(o => o.OrderId));
        Assert.Equal(40m, facts.Revenue);
        Assert.Equal(Stage.Conversion, facts.Stage);
        Assert.Null(facts.StageReachedAt[(int)Stage.Retention]);
        Assert.Equal([March2.DayNumber], facts.ActiveDays);
        Assert.Equal(2, facts.Sessions); // the view at 10:00 and the order at 11:00; the session of 5 March is after D
    }

    [Fact]
    public void From_HistoryCompactedBeyondD_TakesOrdersDaysAndStagesFromTheFullHistory_AndIsApproximate()
    {
        var h = new Journeys(new JourneyRulesOptions { CompactKeep = 10, CompactAbove = 11 });
        var events = new List<JourneyEvent> { Order("o1", T0, 40m) };
        for (var i = 0; i < 15; i++) events.Add(Page($"/p{i}", "a1", at: T0.AddDays(1).AddMinutes(i)));
        events.Add(Order("o2", T0.AddDays(8), 60m));
        h.Add([.. events]);
        var doc = h.Customer;
        Assert.NotNull(doc.Journey.Baseline);
        Assert.True(doc.Journey.Baseline!.LastEventAt > March2.ToDateTime(TimeOnly.MaxValue));

        var facts = CustomerFacts.From(doc, March2, new JourneyFold(h.Options))!;

        Assert.Equal(FactsSource.Approximate, facts.Source);
        Assert.True(facts.Approximate);
        Assert.Equal(["o1"], facts.Orders.Select(o => o.OrderId));
        Assert.Equal(40m, facts.Revenue);
        Assert.Equal([March2.DayNumber], facts.ActiveDays);
        Assert.Equal(Stage.Conversion, facts.Stage);
    }

    [Fact]
    public void From_BaselineEndsBeforeD_RefoldsExactly()
    {
        var h = new Journeys(new JourneyRulesOptions { CompactKeep = 10, CompactAbove = 11 });
        var events = new List<JourneyEvent> { Order("o1", T0, 40m) };
        for (var i = 0; i < 15; i++) events.Add(Page($"/p{i}", "a1", at: T0.AddMinutes(10 + i)));
        events.Add(Order("o2", T0.AddDays(8), 60m));
        h.Add([.. events]);
        var doc = h.Customer;
        Assert.NotNull(doc.Journey.Baseline);

        var facts = CustomerFacts.From(doc, March3, new JourneyFold(h.Options))!;

        Assert.Equal(FactsSource.Refold, facts.Source);
        Assert.Equal(["o1"], facts.Orders.Select(o => o.OrderId));
        Assert.Equal(1, facts.Sessions);
    }

    [Fact]
    public void From_CustomerFirstSeenAfterD_IsExcluded()
    {
        var doc = new CustomerBuilder("late", CustomerBuilder.Day(3, 4, hour: 0)).Build();

        Assert.Null(CustomerFacts.From(doc, March3, new JourneyFold(new JourneyRulesOptions())));
        Assert.NotNull(CustomerFacts.From(doc, new DateOnly(2026, 3, 4), new JourneyFold(new JourneyRulesOptions())));
    }

    [Fact]
    public void From_EventAtTheLastInstantOfD_Counts_AndAtMidnightAfter_DoesNot()
    {
        var fold = new JourneyFold(new JourneyRulesOptions());
        var lastInstant = new DateTimeOffset(2026, 3, 3, 23, 59, 59, 999, TimeSpan.Zero).AddTicks(9999);
        var doc = new CustomerBuilder("c", CustomerBuilder.Day(3, 1)).Order(lastInstant, 10m).Build();

        var facts = CustomerFacts.From(doc, March3, fold)!;

        Assert.Equal(FactsSource.Projection, facts.Source);
        Assert.Single(facts.Orders);
        Assert.False(new AsOf(March3).Includes(new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void From_RedirectDocument_IsExcluded()
    {
        var doc = new CustomerBuilder("old", CustomerBuilder.Day(3, 1)).With(d => d.MergedInto = "new").Build();

        Assert.Null(CustomerFacts.From(doc, March3, new JourneyFold(new JourneyRulesOptions())));
    }

    [Fact]
    public void From_MissingAcquisition_CountsAsUnknownChannelAndDevice()
    {
        var doc = new CustomerBuilder("c", CustomerBuilder.Day(3, 1), channel: null, device: null).Build();

        var facts = CustomerFacts.From(doc, March3, new JourneyFold(new JourneyRulesOptions()))!;

        Assert.Equal("unknown", facts.Channel);
        Assert.Equal("unknown", facts.FirstDevice);
    }
}
