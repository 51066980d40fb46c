using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Metrics;
using Journey.Domain.Serialization;
using Journey.Testing;
using static Journey.Testing.CustomerBuilder;

namespace Journey.Domain.Tests.Metrics;

public sealed class JourneyMapTests
{
    private static readonly DateOnly AsOf = new(2026, 3, 20);
    private static readonly DateTimeOffset Start = Day(3, 1);

    /// <summary>
    /// A: Consideration on day 2, first order on day 5 (email, 3 sessions). B: an order on the first visit
    /// (Awareness → Conversion, day 0.5). C: Awareness only. D: Consideration day 1, order day 3 (2 sessions),
    /// Retention after D. E: Consideration day 4 in a session without a channel, then nothing.
    /// </summary>
    private static IReadOnlyList<TransitionDocument> Shop() =>
    [
        .. new TransitionBuilder("A", Start).To(Stage.Consideration, 2, "organic_search", "Product Viewed", 1, ("Product Viewed", 3))
            .To(Stage.Conversion, 5, "email", "Order Completed", 3, ("Product Added", 1), ("Product Viewed", 2)).Build(),
        .. new TransitionBuilder("B", Start, "email").To(Stage.Conversion, 0.5, "email", "Order Completed", 1, ("Product Added", 2)).Build(),
        .. new TransitionBuilder("C", Start, "paid_social").Build(),
        .. new TransitionBuilder("D", Start).To(Stage.Consideration, 1, "organic_search", "Product Added", 1, ("Product Added", 1))
            .To(Stage.Conversion, 3, "email", "Order Completed", 2, ("Product Viewed", 1))
            .To(Stage.Retention, 30, "email", "Order Completed", 4).Build(),
        .. new TransitionBuilder("E", Start).To(Stage.Consideration, 4, null, "Products Searched", 2).Build(),
    ];

    private static string Json(JourneyMapMetrics m) => JsonSerializer.Serialize(m, JourneyJson.Options);

    private static JourneyMapMetrics Compute(IEnumerable<TransitionDocument> transitions, DateOnly? asOf = null)
    {
        var map = new JourneyMapAccumulator(asOf ?? AsOf);
        foreach (var t in transitions) map.Add(t);
        return map.Result();
    }

    [Fact]
    public void Stages_CountWhoEnteredEachStage_WhoWentOn_AndWhoStoppedThere()
    {
        var m = Compute(Shop());

        Assert.Equal(5, m.Customers);
        Assert.Equal(
        [
            new JourneyMapStage("Awareness", 5, 4, 1),
            new JourneyMapStage("Consideration", 3, 2, 1),
            new JourneyMapStage("Conversion", 3, 0, 3), // D's Retention came after D
            new JourneyMapStage("Retention", 0, 0, 0),
            new JourneyMapStage("Advocacy", 0, 0, 0),
        ], m.Stages);
    }

    [Fact]
    public void Links_AreThePairsTaken_SkipsIncluded_WithTheMedianDaysBetweenReachingTheTwo_InStageOrder()
    {
        var m = Compute(Shop());

        Assert.Equal(
        [
            new JourneyMapLink("Awareness", "Consideration", 3, 2), // 2, 1, 4 days
            new JourneyMapLink("Awareness", "Conversion", 1, 0.5), // B's order on the first visit
            new JourneyMapLink("Consideration", "Conversion", 2, 2.5), // A 5 - 2, D 3 - 1
        ], m.Links);
    }

    [Fact]
    public void Transitions_CountTheMicroConversionsOfTheStageLeft_TheTriggers_AndTheChannels_PerTargetStage()
    {
        var m = Compute(Shop());

        Assert.Equal(["Consideration", "Conversion", "Retention", "Advocacy"], m.Transitions.Select(t => t.To));
        var consideration = m.Transitions[0];
        Assert.Equal(3, consideration.Customers);
        Assert.Equal([new JourneyMapMicroConversion("Product Added", 1, 33.33, 1), new JourneyMapMicroConversion("Product Viewed", 1, 33.33, 3)], consideration.MicroConversions);
        Assert.Equal(
            [new JourneyMapShare("Product Added", 1, 33.33), new JourneyMapShare("Product Viewed", 1, 33.33), new JourneyMapShare("Products Searched", 1, 33.33)],
            consideration.Triggers);
        Assert.Equal([new JourneyMapShare("organic_search", 2, 66.67), new JourneyMapShare(JourneyMapAccumulator.UnknownChannel, 1, 33.33)], consideration.Channels);

        var conversion = m.Transitions[1];
        Assert.Equal(3, conversion.Customers);
        Assert.Equal([new JourneyMapMicroConversion("Product Added", 2, 66.67, 1.5), new JourneyMapMicroConversion("Product Viewed", 2, 66.67, 1.5)], conversion.MicroConversions);
        Assert.Equal([new JourneyMapShare("Order Completed", 3, 100)], conversion.Triggers);
        Assert.Equal([new JourneyMapShare("email", 3, 100)], conversion.Channels);

        Assert.All(m.Transitions.Skip(2), t => Assert.Equal((0L, 0, 0, 0), (t.Customers, t.MicroConversions.Count, t.Triggers.Count, t.Channels.Count)));
    }

    [Fact]
    public void PathsToFirstOrder_GroupTheBuyersStepsUpToConversion_WithShareAndMedians()
    {
        var m = Compute(Shop());

        Assert.Equal(3, m.PathsToFirstOrder.Buyers);
        var paths = m.PathsToFirstOrder.Paths;
        Assert.Equal(2, paths.Count);
        Assert.Equal(
            [new JourneyMapStep("Awareness", "organic_search"), new JourneyMapStep("Consideration", "organic_search"), new JourneyMapStep("Conversion", "email")],
            paths[0].Steps);
        Assert.Equal((2L, 66.67, 4.0, 2.5), (paths[0].Customers, paths[0].Share, paths[0].MedianDays, paths[0].MedianSessions));
        Assert.Equal([new JourneyMapStep("Awareness", "email"), new JourneyMapStep("Conversion", "email")], paths[1].Steps);
        Assert.Equal((1L, 33.33, 0.5, 1.0), (paths[1].Customers, paths[1].Share, paths[1].MedianDays, paths[1].MedianSessions));
    }

    [Fact]
    public void AsOf_ATransitionAtTheCutoffDoesNotCount_OneJustBeforeItDoes()
    {
        var cutoff = new AsOf(AsOf).Cutoff;
        var first = new TransitionBuilder("F", cutoff.AddDays(-1)).To(Stage.Consideration, 1, "email").Build(); // Consideration at the cutoff
        var second = new TransitionBuilder("G", cutoff.AddDays(-1)).To(Stage.Consideration, 1 - 1e-7, "email").Build(); // just before it

        var m = Compute([.. first, .. second]);

        Assert.Equal(2, m.Customers);
        Assert.Equal(new JourneyMapStage("Consideration", 1, 0, 1), m.Stages[1]);
        Assert.Equal(1, m.Transitions[0].Customers);
        var later = new JourneyMapAccumulator(AsOf.AddDays(1));
        foreach (var t in first.Concat(second)) later.Add(t);
        Assert.Equal(2, later.Result().Stages[1].Reached);
    }

    [Fact]
    public void AsOf_AnEarlierDate_GivesThatDatesFigures()
    {
        var m = Compute(Shop(), new DateOnly(2026, 3, 4)); // A's order (3/6) and E's Consideration (3/5) come later

        Assert.Equal(
            [new JourneyMapStage("Awareness", 5, 3, 2), new JourneyMapStage("Consideration", 2, 1, 1), new JourneyMapStage("Conversion", 2, 0, 2)],
            m.Stages.Take(3));
        Assert.Equal(2, m.PathsToFirstOrder.Buyers);
        Assert.Equal([1L, 1L], m.PathsToFirstOrder.Paths.Select(p => p.Customers));
    }

    [Fact]
    public void Ties_AreOrderedByName_AndListsAreCapped()
    {
        var micro = Enumerable.Range(0, 15).Select(i => ($"Micro {i:D2}", 1L)).ToArray();
        var transitions = new List<TransitionDocument>();
        for (var i = 0; i < 14; i++)
        {
            transitions.AddRange(new TransitionBuilder($"c{i:D2}", Start, $"channel{i:D2}")
                .To(Stage.Conversion, 1, $"channel{13 - i:D2}", $"Trigger {i:D2}", 1, micro).Build());
        }

        var m = Compute(transitions);

        var conversion = m.Transitions[1];
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"Micro {i:D2}"), conversion.MicroConversions.Select(x => x.Name));
        Assert.All(conversion.MicroConversions, x => Assert.Equal((14L, 100.0, 1.0), (x.Customers, x.Share, x.Mean)));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"Trigger {i:D2}"), conversion.Triggers.Select(x => x.Name));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"channel{i:D2}"), conversion.Channels.Select(x => x.Name));
        Assert.Equal(14, m.PathsToFirstOrder.Buyers);
        Assert.Equal(JourneyMapAccumulator.MaxPaths, m.PathsToFirstOrder.Paths.Count);
        // Every path has one buyer: ordered by their steps' names (the first touch's channel first).
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"channel{i:D2}"), m.PathsToFirstOrder.Paths.Select(p => p.Steps[0].Channel));
        Assert.All(m.PathsToFirstOrder.Paths, p => Assert.Equal(7.14, p.Share));
    }

    [Fact]
    public void TheOrderOfTheTransitions_DoesNotChangeTheDocument()
    {
        var transitions = Shop().ToList();
        var expected = Json(Compute(transitions));
        var random = new Random(7);
        for (var i = 0; i < 10; i++)
        {
            var shuffled = transitions.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(expected, Json(Compute(shuffled)));
        }
    }

    [Fact]
    public void ASecondDocumentForAStageAlreadyEntered_IsCountedOnce()
    {
        var transitions = Shop().ToList();
        var map = new JourneyMapAccumulator(AsOf);
        foreach (var t in transitions.Concat(transitions.Where(t => t.CustomerId == "A"))) map.Add(t);

        Assert.Equal(Json(Compute(transitions)), Json(map.Result()));
        Assert.Equal((11L, 4L), (map.Counted, map.Skipped)); // D's Retention after D, A's three again
    }

    [Fact]
    public void AnEmptyStore_GivesEveryStageAndTargetWithZeros_AndNoLinksOrPaths()
    {
        var m = Compute([]);

        Assert.Equal(0, m.Customers);
        Assert.Equal(["Awareness", "Consideration", "Conversion", "Retention", "Advocacy"], m.Stages.Select(s => s.Stage));
        Assert.All(m.Stages, s => Assert.Equal((0L, 0L, 0L), (s.Reached, s.Advanced, s.Stopped)));
        Assert.Empty(m.Links);
        Assert.Equal(4, m.Transitions.Count);
        Assert.Equal((0L, 0), (m.PathsToFirstOrder.Buyers, m.PathsToFirstOrder.Paths.Count));
    }

    [Fact]
    public void TheDocument_HasTheNamesTheDashboardReads()
    {
        var data = JsonSerializer.SerializeToElement(Compute(new TransitionBuilder("B", Start, "email").To(Stage.Conversion, 0.5, "email", "Order Completed", 1, ("Product Added", 2)).Build()), JourneyJson.Options);

        Assert.Equal(
            """
            {"customers":1,"stages":[{"stage":"Awareness","reached":1,"advanced":1,"stopped":0},{"stage":"Consideration","reached":0,"advanced":0,"stopped":0},
            {"stage":"Conversion","reached":1,"advanced":0,"stopped":1},{"stage":"Retention","reached":0,"advanced":0,"stopped":0},{"stage":"Advocacy","reached":0,"advanced":0,"stopped":0}],
            "links":[{"from":"Awareness","to":"Conversion","customers":1,"medianDays":0.5}],
            "transitions":[{"to":"Consideration","customers":0,"microConversions":[],"triggers":[],"channels":[]},
            {"to":"Conversion","customers":1,"microConversions":[{"name":"Product Added","customers":1,"share":100,"mean":2}],"triggers":[{"name":"Order Completed","customers":1,"share":100}],"channels":[{"name":"email","customers":1,"share":100}]},
            {"to":"Retention","customers":0,"microConversions":[],"triggers":[],"channels":[]},{"to":"Advocacy","customers":0,"microConversions":[],"triggers":[],"channels":[]}],
            "pathsToFirstOrder":{"buyers":1,"paths":[{"steps":[{"stage":"Awareness","channel":"email"},{"stage":"Conversion","channel":"email"}],"customers":1,"share":100,"medianDays":0.5,"medianSessions":1}]}}
            """.ReplaceLineEndings(""),
            data.GetRawText());
    }
}
