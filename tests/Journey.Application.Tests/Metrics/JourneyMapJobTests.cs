using System.Text.Json;
using Journey.Application.Metrics;
using Journey.Application.Tests.Support;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Metrics;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Journey.Testing.CustomerBuilder;

namespace Journey.Application.Tests.Metrics;

/// <summary>The daily job's <c>journey</c> document: from the transitions as of D, written once, through the processor.</summary>
public sealed class JourneyMapJobTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static DailyJob Job(InMemoryJourneyStore store, InMemoryMetricsStore metrics, TimeProvider clock) =>
        new(store, store, metrics, new InMemoryPredictionStore(store), new JourneyRulesOptions(), new DailyJobOptions(), clock, NullLogger<DailyJob>.Instance);

    private static async Task<JsonElement> JourneyAsync(InMemoryMetricsStore metrics, DateOnly date) =>
        (await metrics.GetAsync(MetricKinds.Journey, new AsOf(date).Text, Ct) ?? throw new InvalidOperationException("no journey document")).Data;

    private static List<(string From, string To, int Customers, double MedianDays)> Links(JsonElement journey) =>
        [.. journey.GetProperty("links").EnumerateArray().Select(l =>
            (l.GetProperty("from").GetString()!, l.GetProperty("to").GetString()!, l.GetProperty("customers").GetInt32(), l.GetProperty("medianDays").GetDouble()))];

    private static List<(string Steps, int Customers, double Share, double MedianDays, double MedianSessions)> Paths(JsonElement journey) =>
        [.. journey.GetProperty("pathsToFirstOrder").GetProperty("paths").EnumerateArray().Select(p => (
            string.Join(" > ", p.GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("stage").GetString()} ({s.GetProperty("channel").GetString()})")),
            p.GetProperty("customers").GetInt32(), p.GetProperty("share").GetDouble(), p.GetProperty("medianDays").GetDouble(), p.GetProperty("medianSessions").GetDouble()))];

    [Fact]
    public async Task RunAsync_WritesTheJourneyMapOfTheTransitionsUpToD_OnceForTheSameData_AndAnEarlierDatesOwn()
    {
        var store = new InMemoryJourneyStore();
        var metrics = new InMemoryMetricsStore();
        await store.CreateAsync(new CustomerBuilder("a", Day(3, 1)).Build(), Ct);
        await store.UpsertAsync(
        [
            .. new TransitionBuilder("a", Day(3, 1)).To(Stage.Consideration, 2, "email").To(Stage.Conversion, 5, "email", "Order Completed", 2).Build(),
            .. new TransitionBuilder("b", Day(3, 2), "email").To(Stage.Conversion, 1, "email", "Order Completed").Build(),
            .. new TransitionBuilder("c", Day(3, 25)).Build(), // after D
        ], Ct);
        var job = Job(store, metrics, new FakeTimeProvider(Day(4, 1)));
        var asOf = new DateOnly(2026, 3, 20);

        var first = await job.RunAsync(asOf, null, Ct);
        var second = await job.RunAsync(asOf, null, Ct);
        var earlier = await job.RunAsync(new DateOnly(2026, 3, 4), null, Ct);

        Assert.Equal(5L, first.TransitionsCounted); // c's first touch came after D
        Assert.Equal((0, MetricKinds.All.Count - 1), (second.MetricsWritten, second.MetricsUnchanged)); // no actions document without the actions rules
        var journey = await JourneyAsync(metrics, asOf);
        Assert.Equal(2, journey.GetProperty("customers").GetInt32());
        Assert.Equal([("Awareness", "Consideration", 1, 2.0), ("Awareness", "Conversion", 1, 1.0), ("Consideration", "Conversion", 1, 3.0)], Links(journey));
        Assert.Equal(
            [("Awareness (email) > Conversion (email)", 1, 50.0, 1.0, 1.0), ("Awareness (organic_search) > Consideration (email) > Conversion (email)", 1, 50.0, 5.0, 2.0)],
            Paths(journey));

        Assert.Equal(4L, earlier.TransitionsCounted); // a's order (6 March) came later
        var before = await JourneyAsync(metrics, new DateOnly(2026, 3, 4));
        Assert.Equal([("Awareness", "Consideration", 1, 2.0), ("Awareness", "Conversion", 1, 1.0)], Links(before));
        Assert.Equal(1, before.GetProperty("pathsToFirstOrder").GetProperty("buyers").GetInt32());
    }

    [Fact]
    public async Task ThroughTheProcessor_AFewCustomersEvents_GiveTheirLinksAndPaths()
    {
        var h = new ProcessorHarness();
        var t0 = Testing.Events.T0;
        await h.SendAsync(
            // a1: two product views (Consideration), then an order an hour later (a second session), all from email.
            Testing.Events.Page("/", "a1", at: t0, channel: "email"),
            Testing.Events.Track(EventNames.ProductViewed, "a1", at: t0.AddMinutes(1), properties: new { product_id = "p1" }, channel: "email"),
            Testing.Events.Track(EventNames.ProductViewed, "a1", at: t0.AddMinutes(2), properties: new { product_id = "p2" }, channel: "email"),
            Testing.Events.Track(EventNames.OrderCompleted, "a1", at: t0.AddHours(1), properties: new { order_id = "o1", revenue = 40 }, channel: "email"),
            // a2: an order on the first visit (Awareness → Conversion).
            Testing.Events.Track(EventNames.OrderCompleted, "a2", at: t0, properties: new { order_id = "o2", revenue = 25 }, channel: "organic_search"),
            // a3: a second session a day later (Consideration), from an email.
            Testing.Events.Page("/", "a3", at: t0),
            Testing.Events.Page("/", "a3", at: t0.AddDays(1), channel: "email"),
            // a4: one page.
            Testing.Events.Page("/", "a4", at: t0));
        var metrics = new InMemoryMetricsStore();
        var asOf = DateOnly.FromDateTime(t0.UtcDateTime.AddDays(1));

        var summary = await Job(h.Store, metrics, h.Clock).RunAsync(asOf, null, Ct);

        Assert.Equal(8L, summary.TransitionsCounted);
        var journey = await JourneyAsync(metrics, asOf);
        Assert.Equal(4, journey.GetProperty("customers").GetInt32());
        Assert.Equal(
            [("Awareness", 4, 3, 1), ("Consideration", 2, 1, 1), ("Conversion", 2, 0, 2), ("Retention", 0, 0, 0), ("Advocacy", 0, 0, 0)],
            journey.GetProperty("stages").EnumerateArray().Select(s =>
                (s.GetProperty("stage").GetString()!, s.GetProperty("reached").GetInt32(), s.GetProperty("advanced").GetInt32(), s.GetProperty("stopped").GetInt32())));
        // Days: a1's Consideration 2 minutes after the first touch and its order at 1 hour; a3's Consideration a day later.
        Assert.Equal([("Awareness", "Consideration", 2, 0.5), ("Awareness", "Conversion", 1, 0.0), ("Consideration", "Conversion", 1, 0.04)], Links(journey));
        Assert.Equal(
            [("Awareness (email) > Consideration (email) > Conversion (email)", 1, 50.0, 0.04, 2.0), ("Awareness (organic_search) > Conversion (organic_search)", 1, 50.0, 0.0, 1.0)],
            Paths(journey));
        var consideration = journey.GetProperty("transitions")[0];
        Assert.Equal(
            [("Page Viewed", 1), ("Product Viewed", 1)],
            consideration.GetProperty("triggers").EnumerateArray().Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("customers").GetInt32())));
        Assert.Equal([("email", 2)], consideration.GetProperty("channels").EnumerateArray().Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("customers").GetInt32())));
    }
}
