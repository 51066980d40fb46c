using Journey.Application.Tests.Support;
using Journey.Application.Processing;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Journey.Domain.Stages;
using Journey.Testing;
using Moq;
using static Journey.Testing.Events;

namespace Journey.Application.Tests.Processing;

public sealed class JourneyProcessorTests
{
    private static DateTimeOffset At(double minutes) => T0.AddMinutes(minutes);

    /// <summary>The acceptance example: a pixel product view, then identify + cart + order in a Segment batch.</summary>
    private static JourneyEvent[] AcceptanceJourney() =>
    [
        Track(EventNames.ProductViewed, "a1", at: At(0), properties: new { product_id = 7 }, messageId: "v1"),
        Identify("u1", "a1", at: At(1), traits: new { email = "u1@example.com" }, messageId: "i1"),
        Track(EventNames.ProductAdded, "a1", "u1", at: At(2), properties: new { product_id = 7, price = 42.5 }, messageId: "c1"),
        Track(EventNames.OrderCompleted, "a1", "u1", at: At(3), properties: new { order_id = "o1", revenue = 42.5 }, messageId: "o1"),
    ];

    private static async Task AssertAcceptanceOutcome(ProcessorHarness h)
    {
        var c = await h.CustomerAsync("u1");
        Assert.Equal("u1", c.Id);
        Assert.Equal("u1", c.UserId);
        Assert.Contains("a1", c.AnonymousIds);
        Assert.Contains("a1", c.MergedIds.Concat(c.AnonymousIds));
        Assert.Equal(Stage.Conversion, c.Stage);
        Assert.Equal(42.5m, c.Orders.Revenue);
        Assert.Equal(1, c.Orders.Count);
        Assert.Equal(1, c.Counters[EventNames.ProductViewed]);
        Assert.Equal(At(0), c.FirstSeen);
        var t = await h.TransitionsAsync("u1");
        Assert.Equal([(Stage.None, Stage.Awareness), (Stage.Awareness, Stage.Consideration), (Stage.Consideration, Stage.Conversion)], t.Select(x => (x.From, x.To)));
        Assert.Equal([At(0), At(2), At(3)], t.Select(x => x.At));
        Assert.Equal("u1", (await h.CustomerAsync("a1")).Id);
    }

    [Fact]
    public async Task Acceptance_AnonymousViewThenIdentifiedOrder_LandsOnTheUser()
    {
        var h = new ProcessorHarness();
        var e = AcceptanceJourney();
        await h.SendAsync("1", e[0]);
        await h.SendAsync("2", e[1], e[2], e[3]);
        await AssertAcceptanceOutcome(h);
    }

    [Fact]
    public async Task IdentityMerge_IdentifiedEventsFirstThenLateAnonymousView_GivesTheSameProfile()
    {
        var h = new ProcessorHarness();
        var e = AcceptanceJourney();
        await h.SendAsync("2", e[1], e[2], e[3]);
        await h.SendAsync("1", e[0]);
        await AssertAcceptanceOutcome(h);
    }

    [Fact]
    public async Task IdentityMerge_EveryArrivalOrder_GivesTheSameProjection()
    {
        var e = AcceptanceJourney();
        string? expected = null;
        int[][] orders = [[0, 1, 2, 3], [3, 2, 1, 0], [1, 0, 3, 2], [2, 0, 3, 1], [0, 3, 1, 2]];
        foreach (var order in orders)
        {
            var h = new ProcessorHarness();
            foreach (var i in order) await h.SendAsync(e[i].UserId is null ? "1" : "2", e[i]);
            var projection = Projection(await h.CustomerAsync("u1"));
            expected ??= projection;
            Assert.Equal(expected, projection);
            Assert.Equal(3, (await h.TransitionsAsync("u1")).Count);
        }
    }

    [Fact]
    public async Task IdentityMerge_AnonymousProfileTransitionsAreRemoved()
    {
        var h = new ProcessorHarness();
        await h.SendAsync("1", Track(EventNames.ProductViewed, "a1", at: At(0)));
        Assert.Single(await h.Store.ListAsync("a1", CancellationToken.None));
        await h.SendAsync("2", Identify("u1", "a1", at: At(5)));
        Assert.Empty(await h.Store.ListAsync("a1", CancellationToken.None));
        Assert.Single(await h.Store.ListAsync("u1", CancellationToken.None));
        var redirect = await h.Store.GetAsync("a1", CancellationToken.None);
        Assert.Equal("u1", redirect!.Document.MergedInto);
        Assert.Null(redirect.Document.PendingMerge);
    }

    [Fact]
    public async Task Alias_MergesTwoUserProfiles()
    {
        var h = new ProcessorHarness();
        await h.SendAsync(Track(EventNames.OrderCompleted, userId: "old", at: At(0), properties: new { order_id = "o1", revenue = 10 }));
        await h.SendAsync(Track(EventNames.OrderCompleted, userId: "new", at: At(60 * 24 * 2), properties: new { order_id = "o2", revenue = 5 }));
        await h.SendAsync(Alias("old", "new", at: At(60 * 24 * 3)));
        var c = await h.CustomerAsync("old");
        Assert.Equal("new", c.Id);
        Assert.Equal(2, c.Orders.Count);
        Assert.Equal(Stage.Retention, c.Stage);
        Assert.Contains("old", c.MergedIds);
    }

    [Fact]
    public async Task Identify_DoesNotMergeTwoKnownUsersThroughASharedDevice()
    {
        var h = new ProcessorHarness();
        await h.SendAsync(Identify("u1", "shared", at: At(0)));
        await h.SendAsync(Track(EventNames.OrderCompleted, "shared", "u1", at: At(1), properties: new { order_id = "o1" }));
        await h.SendAsync(Identify("u2", "shared", at: At(10)));
        await h.SendAsync(Track(EventNames.ProductViewed, "shared", "u2", at: At(11)));
        Assert.Equal(1, (await h.CustomerAsync("u1")).Orders.Count);
        var u2 = await h.CustomerAsync("u2");
        Assert.Equal("u2", u2.Id);
        Assert.Equal(0, u2.Orders.Count);
    }

    [Fact]
    public async Task PendingMerge_LeftByACrash_IsFinishedByTheNextEvent()
    {
        var h = new ProcessorHarness();
        await h.SendAsync("1", Track(EventNames.ProductViewed, "a1", at: At(0), messageId: "v1"));
        // Simulate a crash after step 1 of the merge saga: the redirect holds the profile, the target never got it.
        var stored = await h.Store.GetAsync("a1", CancellationToken.None);
        await h.Store.ReplaceAsync(new CustomerDocument { Id = "a1", MergedInto = "u1", PendingMerge = stored!.Document }, stored.ETag, CancellationToken.None);

        await h.SendAsync("1", Track(EventNames.ProductViewed, "a1", at: At(1), messageId: "v2"));

        var c = await h.CustomerAsync("u1");
        Assert.Equal(2, c.Counters[EventNames.ProductViewed]);
        Assert.Equal(Stage.Consideration, c.Stage);
        Assert.Null((await h.Store.GetAsync("a1", CancellationToken.None))!.Document.PendingMerge);
    }

    [Fact]
    public async Task ReplayedBatch_ChangesNothing()
    {
        var h = new ProcessorHarness();
        var records = Records([Track(EventNames.ProductViewed, "a", at: At(0)), Track(EventNames.ProductAdded, "a", at: At(1))]);
        var first = await h.Processor.ProcessAsync(records, CancellationToken.None);
        var etag = h.Store.ETagOf("a");
        var replay = await h.Processor.ProcessAsync(records, CancellationToken.None);

        Assert.Equal((2, 0), (first.Applied, first.Duplicates));
        Assert.Equal((0, 2, 0), (replay.Applied, replay.Duplicates, replay.CustomerWrites));
        Assert.Equal(etag, h.Store.ETagOf("a"));
        Assert.Equal(1, (await h.CustomerAsync("a")).Counters[EventNames.ProductViewed]);
    }

    [Fact]
    public async Task DuplicateMessageId_AtAnotherStreamPosition_IsDropped()
    {
        var h = new ProcessorHarness();
        var e = Track(EventNames.OrderCompleted, "a", at: At(0), properties: new { order_id = "o1", revenue = 10 }, messageId: "same");
        await h.SendAsync("0", e);
        var again = await h.SendAsync("0", e with { ReceivedAt = At(5) });
        await h.SendAsync("3", e);
        var c = await h.CustomerAsync("a");
        Assert.Equal(1, again.Duplicates);
        Assert.Equal(1, c.Counters[EventNames.OrderCompleted]);
        Assert.Equal(10m, c.Orders.Revenue);
    }

    [Fact]
    public async Task EventBelowTheAppliedPosition_WithANewMessageId_IsApplied()
    {
        // One batch can hold a person's events under two ids (a1, then u1 after identify); the
        // groups are applied in either order, so the u1 group may raise the position first.
        var h = new ProcessorHarness();
        var records = Records(
        [
            Track(EventNames.ProductViewed, "a1", at: At(0), messageId: "anon-view"),
            Identify("u1", "a1", at: At(1), messageId: "identify"),
            Track(EventNames.ProductAdded, "a1", "u1", at: At(2), messageId: "add"),
        ]);
        await h.Processor.ProcessAsync([records[1], records[2]], CancellationToken.None);
        var result = await h.Processor.ProcessAsync([records[0]], CancellationToken.None);

        Assert.Equal(1, result.Applied);
        var c = await h.CustomerAsync("u1");
        Assert.Equal(1, c.Counters[EventNames.ProductViewed]);
        Assert.Equal(At(0), c.FirstSeen);
    }

    [Fact]
    public async Task DuplicatesWithinOneBatch_AreCountedOnce()
    {
        var h = new ProcessorHarness();
        var e = Track(EventNames.ProductViewed, "a", at: At(0), messageId: "same");
        var result = await h.SendAsync(e, e, e);
        Assert.Equal((1, 2), (result.Applied, result.Duplicates));
        Assert.Equal(1, (await h.CustomerAsync("a")).Counters[EventNames.ProductViewed]);
    }

    [Fact]
    public async Task LateEvent_IsAppliedByEventTime()
    {
        var h = new ProcessorHarness();
        await h.SendAsync(Track(EventNames.OrderCompleted, "a", at: At(100), properties: new { order_id = "o1" }, channel: "email"));
        var before = await h.CustomerAsync("a");
        Assert.Equal(At(100), before.StageReachedAt[Stage.Awareness]);
        Assert.Equal("email", before.Acquisition!.Channel);

        await h.SendAsync(Track(EventNames.ProductViewed, "a", at: At(0), channel: "organic search"));
        await h.SendAsync(Track(EventNames.ProductAdded, "a", at: At(90), channel: "direct"));

        var c = await h.CustomerAsync("a");
        Assert.Equal(At(0), c.FirstSeen);
        Assert.Equal(At(0), c.StageReachedAt[Stage.Awareness]);
        Assert.Equal(At(90), c.StageReachedAt[Stage.Consideration]);
        Assert.Equal(At(100), c.StageReachedAt[Stage.Conversion]);
        Assert.Equal("organic search", c.Acquisition!.Channel);
        Assert.Equal(2, c.Sessions.Count); // 0 and 90-100 are more than 30 minutes apart
        var t = await h.TransitionsAsync("a");
        Assert.Equal([(Stage.None, Stage.Awareness), (Stage.Awareness, Stage.Consideration), (Stage.Consideration, Stage.Conversion)], t.Select(x => (x.From, x.To)));
        Assert.Empty(t[2].Skipped);
    }

    [Fact]
    public async Task UnreadableEvent_GoesToDeadLetters_AndTheRestOfTheBatchIsApplied()
    {
        var h = new ProcessorHarness();
        var good = Records([Track(EventNames.ProductViewed, "a", at: At(0))], firstSequence: 0);
        var noId = JourneyJson.Serialize(Track(EventNames.ProductViewed, "x") with { AnonymousId = null });
        var batch = new[] { good[0], Raw("{not json", sequence: 1), Raw(noId, sequence: 2) };
        var result = await h.Processor.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal((1, 2), (result.Applied, result.DeadLettered));
        var dead = h.Store.DeadLetters;
        Assert.Equal(["0-1", "0-2"], dead.Select(d => d.Id));
        Assert.Equal("{not json", dead[0].RawPayload);
        Assert.StartsWith("unreadable event", dead[0].Reason);
        Assert.Equal("the event has neither userId nor anonymousId", dead[1].Reason);
        Assert.Equal(1, (await h.CustomerAsync("a")).Counters[EventNames.ProductViewed]);

        await h.Processor.ProcessAsync(batch, CancellationToken.None);
        Assert.Equal(2, h.Store.DeadLetters.Count);
    }

    [Fact]
    public async Task IdTheStoreCannotHold_IsDeadLettered_AndDoesNotStopTheBatch()
    {
        // A store that, like Cosmos DB, cannot hold ids with '/'.
        var store = new InMemoryJourneyStore();
        var picky = new Mock<ICustomerStore>();
        picky.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string id, CancellationToken ct) => id.Contains('/') ? throw new DocumentRejectedException($"the id '{id}' has a '/'") : store.GetAsync(id, ct));
        picky.Setup(s => s.IsCurrentAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string id, string etag, CancellationToken ct) => store.IsCurrentAsync(id, etag, ct));
        picky.Setup(s => s.CreateAsync(It.IsAny<CustomerDocument>(), It.IsAny<CancellationToken>())).Returns((CustomerDocument d, CancellationToken ct) => store.CreateAsync(d, ct));
        var processor = ProcessorHarness.CreateProcessor(picky.Object, store, store, new JourneyRulesOptions(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0));
        var batch = Records([Identify("bad/id", "anon-1", at: At(0)), Track(EventNames.ProductViewed, "fine", at: At(1))]);

        var result = await processor.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal((1, 1), (result.Applied, result.DeadLettered));
        Assert.Equal("could not be applied: the id 'bad/id' has a '/'", Assert.Single(store.DeadLetters).Reason);
    }

    [Fact]
    public async Task ALateEventThatJoinsTwoSessions_TakesBackTheSecondSessionsStage_InTheDocumentAndTheTransitions()
    {
        var h = new ProcessorHarness();
        await h.SendAsync(Page("/", "a", at: At(0)), Page("/", "a", at: At(40))); // 40 minutes apart: two sessions
        Assert.Equal(Stage.Consideration, (await h.CustomerAsync("a")).Stage);
        Assert.Equal([Stage.Awareness, Stage.Consideration], (await h.TransitionsAsync("a")).Select(t => t.To));

        await h.SendAsync(Page("/", "a", at: At(20)));                             // a late page between them: one session

        var c = await h.CustomerAsync("a");
        Assert.Equal((Stage.Awareness, 1L), (c.Stage, c.Sessions.Count));
        Assert.Equal([Stage.Awareness], c.StageReachedAt.Keys);
        Assert.Equal([Stage.Awareness], (await h.TransitionsAsync("a")).Select(t => t.To));
    }

    [Fact]
    public async Task BotEvents_AreKeptOutOfJourneys()
    {
        var h = new ProcessorHarness();
        var result = await h.SendAsync(Track(EventNames.ProductViewed, "bot") with { Device = DeviceClass.Bot }, Track(EventNames.ProductViewed, "human"));
        Assert.Equal((1, 1), (result.Bots, result.Applied));
        Assert.Equal(["human"], h.Store.CustomerIds);
    }

    [Fact]
    public async Task LongTimeline_IsCompacted_WithoutLosingCounts()
    {
        var options = new JourneyRulesOptions { CompactAbove = 60, CompactKeep = 20 };
        var h = new ProcessorHarness(options);
        for (var batch = 0; batch < 10; batch++)
            await h.SendAsync([.. Enumerable.Range(0, 25).Select(i => Track(EventNames.ProductViewed, "a", at: At(batch * 25 + i)))]);
        await h.SendAsync(Track(EventNames.OrderCompleted, "a", at: At(1000), properties: new { order_id = "o", revenue = 3 }));

        var c = await h.CustomerAsync("a");
        Assert.Equal(250, c.Counters[EventNames.ProductViewed]);
        Assert.True(c.Journey.Timeline.Count <= 60);
        Assert.NotNull(c.Journey.Baseline);
        Assert.Equal(Stage.Conversion, c.Stage);
        Assert.Equal(At(1), c.StageReachedAt[Stage.Consideration]);
        Assert.Equal(2, c.Sessions.Count);
    }

    [Fact]
    public async Task FewerDocumentWritesThanEvents_WhenABatchHoldsOneCustomersEvents()
    {
        var h = new ProcessorHarness();
        var result = await h.SendAsync([.. Enumerable.Range(0, 100).Select(i => Track(EventNames.ProductViewed, i < 50 ? "a" : "b", at: At(i)))]);
        Assert.Equal(2, result.CustomerWrites);
        Assert.Equal(100, result.Applied);
    }

    private static string Projection(CustomerDocument c)
    {
        c.Journey = new JourneyState();
        c.UpdatedAt = default;
        c.AnonymousIds.Sort(StringComparer.Ordinal);
        c.MergedIds = []; // which profiles existed before the merge depends on arrival order
        return JourneyJson.Serialize(c);
    }
}
