using System.Net;
using System.Text;
using Journey.Adapters.Tests.Store.Sqlite;
using Journey.Adapters.Tests.Support;
using Journey.Domain.Ports;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Journey.Adapters.Tests.Faults;

/// <summary>
/// The processor through the real store adapters while a tenth of the store's requests fail, half of
/// them before the request reaches the store and half after the store applied it (the answer lost),
/// with every kind of failure a store gives. Every batch that fails is delivered again, as the Event
/// Hubs trigger's retry policy and the local dispatcher do; at the end the customers, transitions
/// and dead letters are exactly those of a run without faults, and the dead letters hold only the
/// poison records the workload planted.
/// </summary>
public static class StoreFaults
{
    public const double Rate = 0.1;

    public static readonly JourneyRulesOptions Rules = new();

    /// <summary>Runs the workload on a clean store and, with faults, on another; returns the failed deliveries.</summary>
    public static async Task<int> RunAsync(
        ShopWorkload workload,
        (ICustomerStore Customers, ITransitionStore Transitions, IDeadLetterStore DeadLetters) clean,
        (ICustomerStore Customers, ITransitionStore Transitions, IDeadLetterStore DeadLetters) faulty,
        Action<bool> injectFaults,
        IReadOnlyCollection<string> expectedPoisonKinds,
        ITestOutputHelper output)
    {
        var clock = new FakeTimeProvider(Events.T0.AddDays(40));
        var cleanProcessor = Processors.Create(clean.Customers, clean.Transitions, clean.DeadLetters, Rules, clock);
        foreach (var batch in workload.Batches) await cleanProcessor.ProcessAsync(batch, CancellationToken.None);

        var failed = 0;
        var processor = Processors.Create(faulty.Customers, faulty.Transitions, faulty.DeadLetters, Rules, clock);
        foreach (var batch in workload.Batches)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await processor.ProcessAsync(batch, CancellationToken.None);
                    break;
                }
                catch (Exception) when (attempt < 200)
                {
                    failed++;
                    // Now and then the batch goes to another host: a processor that remembers nothing.
                    if (failed % 25 == 0) processor = Processors.Create(faulty.Customers, faulty.Transitions, faulty.DeadLetters, Rules, clock);
                }
            }
        }
        injectFaults(false);

        var days = workload.EnqueuedDays.ToList();
        var expected = await StoreSnapshot.TakeAsync(clean.Customers, clean.Transitions, clean.DeadLetters, days);
        var actual = await StoreSnapshot.TakeAsync(faulty.Customers, faulty.Transitions, faulty.DeadLetters, days);
        expected.AssertSameAs(actual);

        var planted = workload.Poison.Where(p => expectedPoisonKinds.Contains(p.Kind)).Select(p => $"{p.Partition}-{p.SequenceNumber}").Order(StringComparer.Ordinal);
        Assert.Equal(planted, actual.DeadLetters.Keys.Select(k => k[(k.IndexOf('/', StringComparison.Ordinal) + 1)..]).Order(StringComparer.Ordinal));
        Assert.True(expected.Customers.Count > 40 && expected.Transitions.Count > 80,
            $"The workload made only {expected.Customers.Count} customer documents and {expected.Transitions.Count} transitions.");
        output.WriteLine($"{workload.RecordCount} records in {workload.Batches.Count} batches; {failed} deliveries failed and were repeated; " +
                         $"{actual.Customers.Count} customer documents, {actual.Transitions.Count} transitions, {actual.DeadLetters.Count} dead letters, equal to the clean run's");
        return failed;
    }
}

public sealed class SqliteStoreFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly SqliteTestDatabase _clean = new();
    private readonly SqliteTestDatabase _faulty = new();

    public void Dispose()
    {
        _clean.Dispose();
        _faulty.Dispose();
    }

    /// <summary>What a failing SQLite store throws: its adapter's own classification, raw SQLite errors it does not classify, I/O, timeouts, the unexpected.</summary>
    private static Exception Fault(Random random, FaultTiming timing) => random.Next(6) switch
    {
        0 => new StoreUnavailableException($"simulated: database is locked ({timing})"),
        1 => new SqliteException($"simulated: SQL logic error ({timing})", 1),
        2 => new IOException($"simulated: disk I/O error ({timing})"),
        3 => new TimeoutException($"simulated: the request timed out ({timing})"),
        4 => new TaskCanceledException($"simulated: a request was canceled by a timeout ({timing})"),
        _ => new InvalidOperationException($"simulated: something nobody expected ({timing})"),
    };

    [Theory]
    [InlineData(7, 11)]
    [InlineData(8, 12)]
    public async Task With_a_tenth_of_the_requests_failing_the_stores_end_as_a_clean_run_leaves_them(int workloadSeed, int faultSeed)
    {
        var workload = ShopWorkload.Generate(workloadSeed);
        var clean = _clean.Open();
        var store = _faulty.Open();
        var faulty = new FaultyStore(store, store, store, StoreFaults.Rate, faultSeed, Fault);

        var failed = await StoreFaults.RunAsync(workload, (clean, clean, clean), (faulty, faulty, faulty), on => faulty.Enabled = on,
            [ShopWorkload.Unreadable, ShopWorkload.NoId], output);

        Assert.True(failed > 20, $"Only {failed} deliveries failed: the faults did not bite.");
        var injected = faulty.Injected;
        Assert.Contains(injected.Keys, k => k.Timing == FaultTiming.Before);
        Assert.Contains(injected.Keys, k => k.Timing == FaultTiming.After);
        Assert.Equal(6, injected.Keys.Select(k => k.Exception).Distinct().Count());
        output.WriteLine("Injected: " + string.Join(", ", injected.OrderBy(i => i.Key.ToString()).Select(i => $"{i.Key.Timing} {i.Key.Exception} ×{i.Value}")));
    }
}

[Collection(CosmosTestServerCollection.Name)]
public sealed class CosmosStoreFaultTests(CosmosTestServer server, ITestOutputHelper output)
{
    private sealed class Injector(int seed)
    {
        private readonly Random _random = new(seed);
        private readonly Lock _gate = new();
        public bool Enabled = true;
        public readonly Dictionary<string, int> Injected = [];

        /// <summary>The fault-injecting proxy: document requests fail at <see cref="StoreFaults.Rate"/>, half before reaching the server, half after it applied them.</summary>
        public async Task<HttpResponseMessage> AroundAsync(HttpRequestMessage request, Func<Task<HttpResponseMessage>> send)
        {
            string? fault = null;
            bool before;
            lock (_gate)
            {
                before = _random.Next(2) == 0;
                if (Enabled && request.RequestUri!.AbsolutePath.Contains("/docs", StringComparison.Ordinal) && _random.NextDouble() < StoreFaults.Rate)
                {
                    fault = _random.Next(5) switch { 0 => "500", 1 => "503", 2 => "429", 3 => "408", _ => "connection reset" };
                    var key = $"{(before ? "before" : "after")} {fault}";
                    Injected[key] = Injected.GetValueOrDefault(key) + 1;
                }
            }
            if (fault is null) return await send();
            if (!before) (await send()).Dispose(); // the server applied it; its answer is lost
            if (fault == "connection reset") throw new HttpRequestException("simulated: the connection was reset");
            var status = (HttpStatusCode)int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture);
            var answer = new HttpResponseMessage(status)
            {
                Content = new StringContent($$"""{"code":"{{status}}","message":"simulated"}""", Encoding.UTF8, "application/json"),
            };
            answer.Headers.Add("x-ms-activity-id", Guid.NewGuid().ToString());
            if (status == HttpStatusCode.TooManyRequests) answer.Headers.Add("x-ms-retry-after-ms", "1");
            return answer;
        }
    }

    [Theory]
    [InlineData(5, 3)]
    [InlineData(6, 4)]
    public async Task With_a_tenth_of_the_requests_failing_the_containers_end_as_a_clean_run_leaves_them(int workloadSeed, int faultSeed)
    {
        var workload = ShopWorkload.Generate(workloadSeed, customers: 40);
        var clean = server.CreateStore(server.Options(StoreTestDatabase("clean")));
        await clean.InitializeAsync(CancellationToken.None);
        var options = server.Options(StoreTestDatabase("faulty"));
        await server.CreateStore(options).InitializeAsync(CancellationToken.None);
        var injector = new Injector(faultSeed);
        var faulty = server.CreateStore(options, injector.AroundAsync);

        var failed = await StoreFaults.RunAsync(workload, (clean, clean, clean), (faulty, faulty, faulty), on => injector.Enabled = on,
            [ShopWorkload.Unreadable, ShopWorkload.NoId, ShopWorkload.IdCosmosCannotHold], output);

        Assert.True(failed > 10, $"Only {failed} deliveries failed: the faults did not bite.");
        Assert.Contains(injector.Injected.Keys, k => k.StartsWith("before", StringComparison.Ordinal));
        Assert.Contains(injector.Injected.Keys, k => k.StartsWith("after", StringComparison.Ordinal));
        output.WriteLine("Injected: " + string.Join(", ", injector.Injected.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key} ×{i.Value}")));
    }

    private static string StoreTestDatabase(string name) => Journey.Testing.Store.StoreTestData.NewId($"faults-{name}");
}
