using System.Text.Json;
using Journey.Application.Tests.Support;
using Journey.Application.Actions;
using Journey.Application.Metrics;
using Journey.Domain.Actions;
using Journey.Domain.Clv;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Metrics;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Journey.Testing.CustomerBuilder;

namespace Journey.Application.Tests.Metrics;

public sealed class DailyJobTests
{
    private static readonly DateOnly AsOf = new(2026, 3, 31);

    private sealed class Setup(InMemoryJourneyStore? customers = null)
    {
        public InMemoryJourneyStore Customers { get; } = customers ?? new InMemoryJourneyStore();
        public InMemoryMetricsStore Metrics { get; } = new();
        public InMemoryPredictionStore Predictions => _predictions ??= new InMemoryPredictionStore(Customers);
        private InMemoryPredictionStore? _predictions;

        public InMemoryActionStore Actions { get; } = new();

        public DailyJob Job(DailyJobOptions? options = null)
        {
            var clock = new FakeTimeProvider(Day(4, 1, hour: 2));
            var actions = new DailyActions(Actions, new ActionRules(new ActionRulesOptions(), new JourneyRulesOptions()), clock, NullLogger<DailyActions>.Instance, capture: true);
            return new(Customers, Customers, Metrics, Predictions, new JourneyRulesOptions(), options ?? new DailyJobOptions(), clock, NullLogger<DailyJob>.Instance, actions);
        }

        public async Task AddAsync(params CustomerDocument[] docs)
        {
            foreach (var doc in docs) await Customers.CreateAsync(doc, CancellationToken.None);
        }

        public async Task<JsonElement> DataAsync(string kind, DateOnly date) =>
            (await Metrics.GetAsync(kind, date.ToString("yyyy-MM-dd"), CancellationToken.None) ?? throw new InvalidOperationException($"no {kind}")).Data;

        public async Task<Predictions?> PredictionsAsync(string id) => (await Customers.GetAsync(id, CancellationToken.None))!.Document.Predictions;
    }

    /// <summary>Three buyers, a visitor, a redirect and a customer first seen after D.</summary>
    private static async Task<Setup> SmallShopAsync()
    {
        var s = new Setup();
        await s.AddAsync(
            new CustomerBuilder("a", Day(1, 2), "organic", "mobile").Order(Day(1, 5), 100m, "shoes").Order(Day(3, 20), 80m).Build(),
            new CustomerBuilder("b", Day(2, 2), "paid", "desktop").Order(Day(2, 3), 40m, "hats").Build(),
            new CustomerBuilder("c", Day(3, 1), "email", "mobile").Order(Day(3, 2), 25m, "hats").Build(),
            new CustomerBuilder("v", Day(3, 10), "paid", "desktop").Build(),
            new CustomerBuilder("old", Day(1, 1)).With(d => d.MergedInto = "a").Build(),
            new CustomerBuilder("later", Day(4, 2)).Build());
        return s;
    }

    /// <summary>
    /// 300 buyers drawn from CDNOW-like BG/NBD and Gamma-Gamma parameters (per day), turned into
    /// documents whose orders give back exactly the drawn (x, t_x, T) and mean repeat value.
    /// </summary>
    private static async Task<Setup> ShopWithRepeatBuyersAsync()
    {
        var s = new Setup();
        var drawn = ClvSimulator.Simulate(300, new BgNbdParameters(0.243, 30.9, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 15.44), maxAge: 365, seed: 11, wholeDays: true);
        var end = Day(3, 31);
        for (var i = 0; i < drawn.Count; i++)
        {
            var (x, tx, age) = ((int)drawn[i].Summary.Frequency, (int)drawn[i].Summary.Recency, (int)drawn[i].Summary.Age);
            x = Math.Min(x, tx); // one order day per repeat purchase
            var first = end.AddDays(-age);
            var b = new CustomerBuilder($"c{i:D3}", first.AddHours(-1), i % 3 == 0 ? "paid" : "organic", i % 2 == 0 ? "mobile" : "desktop").Order(first, 30m);
            for (var j = 0; j < x; j++) b.Order(first.AddDays(tx - j), Math.Round((decimal)Math.Max(1, drawn[i].MonetaryValue), 2));
            await s.AddAsync(b.Build());
        }
        return s;
    }

    [Fact]
    public async Task RunAsync_SecondRunOverTheSameData_WritesNothing()
    {
        var s = await SmallShopAsync();

        var first = await s.Job().RunAsync(AsOf, null, CancellationToken.None);
        var second = await s.Job().RunAsync(AsOf, null, CancellationToken.None);

        Assert.Equal((6L, 4L, 0L), (first.CustomersScanned, first.CustomersCounted, first.ApproximateCustomers));
        Assert.Equal((8, 0, 4L), (first.MetricsWritten, first.MetricsUnchanged, first.CustomersPatched)); // the 3 buyers' predictions and statuses, the visitor's status
        Assert.Equal((0, 8, 0L), (second.MetricsWritten, second.MetricsUnchanged, second.CustomersPatched));
        Assert.Equal(8, s.Metrics.Upserts);
        Assert.Equal(MetricKinds.All, (await s.Metrics.ListAsync("2026-03-31", CancellationToken.None)).Select(d => d.Kind));
    }

    [Fact]
    public async Task RunAsync_WithoutEnoughRepeatCustomers_WritesHistoricalClvAndRfmOnly()
    {
        var s = await SmallShopAsync();

        await s.Job().RunAsync(AsOf, null, CancellationToken.None);

        var clv = await s.DataAsync(MetricKinds.Clv, AsOf);
        Assert.Equal("insufficientData", clv.GetProperty("status").GetString());
        Assert.Equal(245, clv.GetProperty("historical").GetProperty("total").GetDouble());
        var a = (await s.PredictionsAsync("a"))!;
        Assert.Equal(("2026-03-31", 180.0), (a.AsOf, a.HistoricalClv!.Value));
        Assert.NotNull(a.RfmSegment);
        Assert.Null(a.PredictedClv);
        Assert.Equal("historicalClv", clv.GetProperty("histogramOf").GetString());
        Assert.Equal(3, clv.GetProperty("histogram").EnumerateArray().Sum(b => b.GetProperty("customers").GetInt64()));
        var top = clv.GetProperty("top").EnumerateArray().ToList();
        Assert.Equal(["a", "b", "c"], top.Select(t => t.GetProperty("id").GetString()));
        Assert.Equal((2, 180.0, "organic"), (top[0].GetProperty("orders").GetInt32(), top[0].GetProperty("historicalClv").GetDouble(), top[0].GetProperty("channel").GetString()));
        Assert.False(top[0].TryGetProperty("predictedClv", out _)); // null: not fitted
        Assert.NotNull(top[0].GetProperty("rfmSegment").GetString());
        Assert.Null(await s.PredictionsAsync("v"));
        Assert.Null(await s.PredictionsAsync("later"));
    }

    [Fact]
    public async Task RunAsync_FitsTheClvModels_WritesTheModelAndScores_AndIsIdempotent()
    {
        var s = await ShopWithRepeatBuyersAsync();
        var options = new DailyJobOptions { MinimumRepeatCustomers = 5 };

        var first = await s.Job(options).RunAsync(AsOf, null, CancellationToken.None);
        var second = await s.Job(options).RunAsync(AsOf, null, CancellationToken.None);

        Assert.Equal((8, 300L), (first.MetricsWritten, first.CustomersPatched));
        Assert.Equal((0, 8, 0L), (second.MetricsWritten, second.MetricsUnchanged, second.CustomersPatched));
        var clv = await s.DataAsync(MetricKinds.Clv, AsOf);
        Assert.Equal("fitted", clv.GetProperty("status").GetString());
        var model = clv.GetProperty("model");
        Assert.Equal("days", model.GetProperty("timeUnit").GetString());
        Assert.Equal(0.01, model.GetProperty("monthlyDiscountRate").GetDouble());
        Assert.Equal(300, model.GetProperty("bgNbd").GetProperty("customers").GetInt32());
        Assert.True(model.TryGetProperty("gammaGamma", out _));
        Assert.True(model.GetProperty("bgNbd").GetProperty("logLikelihood").GetDouble() < 0);
        Assert.True(model.TryGetProperty("fitSeconds", out _));
        Assert.Equal(10, clv.GetProperty("predicted").GetProperty("deciles").GetArrayLength());
        Assert.Equal("predictedClv", clv.GetProperty("histogramOf").GetString());
        var bins = clv.GetProperty("histogram").EnumerateArray().ToList();
        Assert.InRange(bins.Count, 13, 19);
        Assert.Equal(300, bins.Sum(b => b.GetProperty("customers").GetInt64()));
        Assert.False(bins[^1].TryGetProperty("to", out _)); // open-ended
        var top = clv.GetProperty("top").EnumerateArray().Select(t => (Id: t.GetProperty("id").GetString()!, Clv: t.GetProperty("predictedClv").GetDouble())).ToList();
        var expected = s.Predictions.Patched.Select(u => (Id: u.CustomerId, Clv: u.Predictions!.PredictedClv!.Value))
            .OrderByDescending(p => p.Clv).ThenBy(p => p.Id, StringComparer.Ordinal).Take(20).ToList();
        Assert.Equal(expected, top);
        foreach (var update in s.Predictions.Patched)
        {
            var p = update.Predictions!;
            Assert.InRange(p.ProbabilityAlive!.Value, 0, 1);
            Assert.True(p.ExpectedPurchases30 <= p.ExpectedPurchases90 && p.ExpectedPurchases90 <= p.ExpectedPurchases365);
            Assert.True(p.PredictedClv >= 0 && p.ExpectedOrderValue > 0);
        }
        var best = await s.DataAsync(MetricKinds.BestCustomers, AsOf);
        Assert.Equal("predictedClv", best.GetProperty("rankedBy").GetString());
        Assert.Equal(30, best.GetProperty("best").GetProperty("customers").GetInt32());
    }

    [Fact]
    public async Task RunAsync_PatchesOnlyTheCustomersWhosePredictionsChanged_InBatches()
    {
        var s = await SmallShopAsync();
        var options = new DailyJobOptions { PredictionBatchSize = 2 };
        await s.Job(options).RunAsync(AsOf, null, CancellationToken.None);
        Assert.Equal(2, s.Predictions.Calls); // 3 patches in batches of 2
        var expected = (await s.PredictionsAsync("b"))!;
        await s.Predictions.PatchPredictionsAsync([new("b", new Predictions { AsOf = "2026-03-30", HistoricalClv = 1 })], CancellationToken.None);
        s.Predictions.Clear();

        var summary = await s.Job(options).RunAsync(AsOf, null, CancellationToken.None);

        Assert.Equal(1, summary.CustomersPatched);
        Assert.Equal(["b"], s.Predictions.Patched.Select(p => p.CustomerId));
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(await s.PredictionsAsync("b")));
        Assert.Equal(0, summary.MetricsWritten);
    }

    [Fact]
    public async Task RunAsync_ForAnotherDate_WritesThatDatesDocuments()
    {
        var s = new Setup();
        await s.AddAsync(
            new CustomerBuilder("x", Day(1, 2)).Order(Day(1, 5), 100m).Order(Day(2, 10), 40m).Build(),
            new CustomerBuilder("y", Day(3, 1)).Order(Day(3, 2), 25m).Build());
        await s.Job().RunAsync(AsOf, null, CancellationToken.None);

        var earlier = await s.Job().RunAsync(new DateOnly(2026, 2, 28), null, CancellationToken.None);

        Assert.Equal((8, 1L, 1L), (earlier.MetricsWritten, earlier.CustomersCounted, earlier.CustomersPatched));
        var rates = await s.DataAsync(MetricKinds.Rates, new DateOnly(2026, 2, 28));
        Assert.Equal((2, 140), (rates.GetProperty("orders").GetInt32(), rates.GetProperty("revenue").GetDecimal()));
        Assert.Equal("2026-02-28", (await s.PredictionsAsync("x"))!.AsOf);
        Assert.Equal("2026-03-31", (await s.PredictionsAsync("y"))!.AsOf); // first seen after 28 February: left as it was
        Assert.Equal("2026-03-31", await s.Metrics.LatestDateAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_AsOfD_AnOrderAfterDDoesNotCount()
    {
        var h = new ProcessorHarness();
        await h.SendAsync(
            Testing.Events.Page("/", "a1", at: Testing.Events.T0),
            Testing.Events.Track(EventNames.OrderCompleted, "a1", at: Testing.Events.T0.AddHours(1), properties: new { order_id = "o1", revenue = 40 }),
            Testing.Events.Track(EventNames.OrderCompleted, "a1", at: Testing.Events.T0.AddDays(3), properties: new { order_id = "o2", revenue = 60 }));
        var s = new Setup(h.Store);
        var march3 = new DateOnly(2026, 3, 3);

        var summary = await s.Job().RunAsync(march3, null, CancellationToken.None);

        Assert.Equal(1, summary.CustomersCounted);
        var rates = await s.DataAsync(MetricKinds.Rates, march3);
        Assert.Equal((1, 40m, 0), (rates.GetProperty("orders").GetInt32(), rates.GetProperty("revenue").GetDecimal(), rates.GetProperty("repeatBuyers").GetInt32()));
        var funnel = await s.DataAsync(MetricKinds.Funnel, march3);
        Assert.Equal(0, funnel.GetProperty("stages")[3].GetProperty("customers").GetInt32()); // Retention came with the late order
        var p = (await s.PredictionsAsync("a1"))!;
        Assert.Equal(("2026-03-03", 40.0), (p.AsOf, p.HistoricalClv!.Value));
        Assert.Equal("lost", p.RfmSegment); // quintiles are relative: a lone buyer has no one worse, so scores 1 on everything
    }

    [Fact]
    public async Task RunAsync_VisitorWithPredictionsFromALaterDate_IsResetToNoPredictions()
    {
        var s = new Setup();
        await s.AddAsync(new CustomerBuilder("v", Day(3, 1)).With(d => d.Predictions = new Predictions { AsOf = "2026-04-30", PredictedClv = 12, RfmSegment = "new" }).Build());

        var summary = await s.Job().RunAsync(AsOf, null, CancellationToken.None);
        var again = await s.Job().RunAsync(AsOf, null, CancellationToken.None);

        Assert.Equal((1L, 0L), (summary.CustomersPatched, again.CustomersPatched));
        var p = (await s.PredictionsAsync("v"))!;
        Assert.Equal(("2026-03-31", null, null), (p.AsOf, p.PredictedClv, p.RfmSegment));
    }

    [Fact]
    public async Task RunAsync_ReportsProgressThroughEveryPhase()
    {
        var s = await SmallShopAsync();
        var phases = new List<string>();

        await s.Job(new DailyJobOptions { ProgressInterval = 2 }).RunAsync(AsOf, new SynchronousProgress(p => phases.Add(p.Phase)), CancellationToken.None);

        Assert.Equal(["scan", "scan", "scan", "journey", "metrics", "predictions", "done"], phases);
    }

    /// <summary>Three visitors last active 11, 106 and 242 days before 31 March, and a repeat buyer.</summary>
    private static async Task<Setup> QuietAndActiveCustomersAsync()
    {
        var s = new Setup();
        await s.AddAsync(
            new CustomerBuilder("recent", Day(3, 20)).Build(),
            new CustomerBuilder("quiet", Day(12, 15, year: 2025)).Build(),
            new CustomerBuilder("gone", Day(8, 1, year: 2025)).Build(),
            new CustomerBuilder("buyer", Day(1, 2)).Order(Day(1, 5), 30m).Order(Day(3, 25), 20m).Build());
        return s;
    }

    private static async Task<(string? Status, string? Since)> LifecycleAsync(Setup s, string id)
    {
        var lifecycle = (await s.Customers.GetAsync(id, CancellationToken.None))!.Document.Lifecycle;
        return (lifecycle.Status, lifecycle.Since);
    }

    [Fact]
    public async Task RunAsync_SetsEachCustomersLifecycleStatusAsOfTheDate_FromTheDaysWithoutActivity()
    {
        var s = await QuietAndActiveCustomersAsync();

        await s.Job().RunAsync(AsOf, null, CancellationToken.None);

        Assert.Equal(("active", "2026-03-31"), await LifecycleAsync(s, "recent"));
        Assert.Equal(("at_risk", "2026-03-31"), await LifecycleAsync(s, "quiet"));
        Assert.Equal(("lapsed", "2026-03-31"), await LifecycleAsync(s, "gone"));
        Assert.Equal(("active", "2026-03-31"), await LifecycleAsync(s, "buyer")); // too few repeat buyers for a model: days decide
    }

    [Fact]
    public async Task RunAsync_MetricsOnly_WritesTheDocuments_ButNoPredictionStatusOrAction()
    {
        var s = await QuietAndActiveCustomersAsync();
        await s.AddAsync(new CustomerBuilder("lapsed-buyer", Day(7, 1, year: 2025)).Order(Day(8, 1, year: 2025), 80m).Build());

        var backfill = await s.Job().RunAsync(AsOf.AddDays(-7), metricsOnly: true, null, CancellationToken.None);

        Assert.Equal((MetricKinds.All.Count, 0L, 0), (backfill.MetricsWritten, backfill.CustomersPatched, backfill.ActionsAdded));
        Assert.Empty(s.Predictions.Patched);
        Assert.Empty(await s.Actions.ListAsync(null, null, null, 100, CancellationToken.None));
        Assert.Equal((null, null), await LifecycleAsync(s, "quiet"));
        Assert.NotNull(await s.Metrics.GetAsync(MetricKinds.Rates, "2026-03-24", CancellationToken.None));

        var full = await s.Job().RunAsync(AsOf, null, CancellationToken.None);

        Assert.True(full.CustomersPatched > 0 && full.ActionsAdded > 0);
        Assert.Equal(("at_risk", "2026-03-31"), await LifecycleAsync(s, "quiet"));
    }

    [Fact]
    public async Task RunAsync_AddsTheModelBasedActions_OncePerBuyingCycle_AndCountsThemInTheActionsDocument()
    {
        var s = new Setup();
        await s.AddAsync(
            new CustomerBuilder("steady", Day(3, 1)).Order(Day(3, 10), 30m).Order(Day(3, 25), 30m).Build(),
            new CustomerBuilder("slipping", Day(3, 1)).Order(Day(3, 4), 30m).Order(Day(3, 14), 30m).Build(), // every 10 days; 17 days since
            new CustomerBuilder("long-overdue", Day(1, 1)).Order(Day(1, 4), 30m).Order(Day(1, 14), 30m).Build(), // overdue since February
            new CustomerBuilder("lapsed", Day(7, 1, year: 2025)).Order(Day(8, 1, year: 2025), 80m).Build());

        var first = await s.Job().RunAsync(AsOf, null, CancellationToken.None);
        var second = await s.Job().RunAsync(AsOf, null, CancellationToken.None);
        var later = await s.Job().RunAsync(AsOf.AddDays(1), null, CancellationToken.None);

        Assert.Equal((2, 0, 0), (first.ActionsAdded, second.ActionsAdded, later.ActionsAdded));
        Assert.Equal(
            ["customer.at_risk:slipping:after:" + OrderIdOf(s, "slipping"), "customer.win_back:lapsed:after:" + OrderIdOf(s, "lapsed")],
            s.Actions.All().Select(a => a.Id).Order(StringComparer.Ordinal));
        var rules = (await s.DataAsync(MetricKinds.Actions, AsOf)).GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("type").GetString()!);
        Assert.Equal(0, rules["customer.at_risk"].GetProperty("triggered").GetInt64()); // the job counts the actions before it adds today's
        var next = (await s.DataAsync(MetricKinds.Actions, AsOf.AddDays(1))).GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("type").GetString()!);
        Assert.Equal(1, next["customer.at_risk"].GetProperty("triggered").GetInt64());
        Assert.Equal(1, next["customer.win_back"].GetProperty("triggered").GetInt64());
    }

    private static string OrderIdOf(Setup s, string id) => s.Customers.GetAsync(id, CancellationToken.None).Result!.Document.Orders.History[^1].OrderId;

    [Fact]
    public async Task RunAsync_ForALaterDate_MovesTheStatusOn_AndKeepsTheDateOfThoseThatDidNotChange()
    {
        var s = await QuietAndActiveCustomersAsync();
        await s.Job().RunAsync(AsOf, null, CancellationToken.None);
        s.Predictions.Clear();

        var later = new DateOnly(2026, 7, 15);
        await s.Job().RunAsync(later, null, CancellationToken.None);

        Assert.Equal(("at_risk", "2026-07-15"), await LifecycleAsync(s, "recent"));  // 117 days
        Assert.Equal(("lapsed", "2026-07-15"), await LifecycleAsync(s, "quiet"));    // 212 days
        Assert.Equal(("lapsed", "2026-03-31"), await LifecycleAsync(s, "gone"));     // lapsed since the first run: not patched again
        Assert.DoesNotContain(s.Predictions.Patched, u => u.CustomerId == "gone");

        s.Predictions.Clear();
        var again = await s.Job().RunAsync(later, null, CancellationToken.None);
        Assert.Equal(0, again.CustomersPatched);
    }

    [Fact]
    public async Task RunAsync_ForAnEarlierDate_GivesTheStatusAsOfThatDate_NotAsOfToday()
    {
        var s = await QuietAndActiveCustomersAsync();

        await s.Job().RunAsync(new DateOnly(2025, 9, 1), null, CancellationToken.None);

        Assert.Equal(("active", "2025-09-01"), await LifecycleAsync(s, "gone")); // 31 days after its visit
        Assert.Equal((null, null), await LifecycleAsync(s, "quiet"));             // first seen after the date: not counted
    }

    [Fact]
    public async Task RunAsync_WithAFittedModel_TakesARepeatBuyersStatusFromPAlive()
    {
        var s = await ShopWithRepeatBuyersAsync();
        var options = new DailyJobOptions { AtRiskBelowProbabilityAlive = 0.6, LapsedBelowProbabilityAlive = 0.3 };

        await s.Job(options).RunAsync(AsOf, null, CancellationToken.None);

        var checkedBuyers = 0;
        foreach (var update in s.Predictions.Patched.Where(u => u.Predictions?.ProbabilityAlive is not null && u.Lifecycle is not null))
        {
            var doc = (await s.Customers.GetAsync(update.CustomerId, CancellationToken.None))!.Document;
            var repeatDays = doc.Orders.History.Select(o => o.At.UtcDateTime.Date).Distinct().Count() - 1;
            if (repeatDays == 0) continue;
            var p = update.Predictions!.ProbabilityAlive!.Value;
            Assert.Equal(p < 0.3 ? "lapsed" : p < 0.6 ? "at_risk" : "active", update.Lifecycle!.Status);
            checkedBuyers++;
        }
        Assert.True(checkedBuyers > 50, $"only {checkedBuyers} repeat buyers were checked");
        Assert.Contains(s.Predictions.Patched, u => u.Lifecycle?.Status == "at_risk" || u.Lifecycle?.Status == "lapsed");
    }

    [Fact]
    public async Task TheProcessor_KeepsTheDailyJobsStatus_WhenItWritesTheCustomerAgain()
    {
        var h = new ProcessorHarness();
        await h.SendAsync(Testing.Events.Page("/", "a1", at: Testing.Events.T0));
        var predictions = new InMemoryPredictionStore(h.Store);
        var job = new DailyJob(h.Store, h.Store, new InMemoryMetricsStore(), predictions, h.Options, new DailyJobOptions(), h.Clock, NullLogger<DailyJob>.Instance);
        await job.RunAsync(DateOnly.FromDateTime(Testing.Events.T0.UtcDateTime.AddDays(200)), null, CancellationToken.None);
        Assert.Equal("lapsed", (await h.CustomerAsync("a1")).Lifecycle.Status);

        await h.SendAsync(Testing.Events.Page("/again", "a1", at: Testing.Events.T0.AddDays(1)));

        var customer = await h.CustomerAsync("a1");
        Assert.Equal(("lapsed", Testing.Events.T0.AddDays(1)), (customer.Lifecycle.Status, customer.Lifecycle.LastSeen));
    }

    [Fact]
    public void DefaultAsOf_IsYesterdayUtc() => // 1 April, 01:30 UTC
        Assert.Equal(new DateOnly(2026, 3, 31), DailyJob.DefaultAsOf(new FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 23, 30, 0, TimeSpan.FromHours(-2)))));

    [Fact]
    public void Options_Validate_NamesTheSetting()
    {
        Assert.Empty(new DailyJobOptions().Validate());
        var problems = new DailyJobOptions { MonthlyDiscountRate = -0.1, PredictionBatchSize = 0 }.Validate();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("DailyJob:MonthlyDiscountRate", StringComparison.Ordinal));
    }

    private sealed class SynchronousProgress(Action<DailyJobProgress> report) : IProgress<DailyJobProgress>
    {
        public void Report(DailyJobProgress value) => report(value);
    }
}
