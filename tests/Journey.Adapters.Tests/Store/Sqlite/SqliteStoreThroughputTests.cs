using System.Diagnostics;
using Journey.Adapters.Tests.Store.Contract;
using Journey.Domain.Customers;
using Xunit.Abstractions;

namespace Journey.Adapters.Tests.Store.Sqlite;

/// <summary>
/// The processor's hot path (read a customer, replace it with its ETag, upsert a transition) at
/// the rate local mode needs: a few hundred customer writes per second with synchronous=FULL.
/// The bounds are loose (a slow CI disk must pass); the measured rates are written to the output.
/// </summary>
public sealed class SqliteStoreThroughputTests(ITestOutputHelper output) : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly SqliteTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData(1, 300)]
    [InlineData(8, 2_000)]
    public async Task Read_replace_cycles_keep_up_with_the_processor(int workers, int customers)
    {
        await using var store = _database.Open();
        var ids = Enumerable.Range(0, customers).Select(i => $"c-{i:D5}").ToList();
        foreach (var chunk in ids.Chunk(200))
            await Task.WhenAll(chunk.Select(id => store.CreateAsync(StoreTestData.PopulatedCustomer(id), Ct)));

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < ids.Count; i += workers)
            {
                var stored = await store.GetAsync(ids[i], Ct);
                var doc = stored!.Document;
                doc.Sessions.Count++;
                await store.UpsertAsync([StoreTestData.Transition(doc.Id, Stage.Conversion, Stage.Retention, StoreTestData.T0)], Ct);
                await store.ReplaceAsync(doc, stored.ETag, Ct);
            }
        })));
        clock.Stop();

        var perSecond = customers / clock.Elapsed.TotalSeconds;
        output.WriteLine($"{workers} worker(s): {customers} read+upsert+replace cycles in {clock.ElapsedMilliseconds} ms = {perSecond:F0} customers/s (synchronous=FULL)");
        Assert.True(perSecond > 50, $"only {perSecond:F0} customers/s");
    }
}
