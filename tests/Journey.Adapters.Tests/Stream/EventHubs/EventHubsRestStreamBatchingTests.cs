using Xunit.Abstractions;
using Journey.Domain.Ports;
using static Journey.Adapters.Tests.Stream.EventHubs.EventHubsTestData;

namespace Journey.Adapters.Tests.Stream.EventHubs;

/// <summary>Micro-batching: concurrent callers share requests; each caller completes when all its events are acknowledged.</summary>
public sealed class EventHubsRestStreamBatchingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(10);
    private FakeEventHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeEventHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Append_FiftyConcurrentCallersOfOneProfile_ShareFarFewerRequests()
    {
        // Each answer takes a moment, like a real round trip: callers arriving meanwhile join the next request.
        _hub.Respond = _ => new FakeResponse(201, Delay: TimeSpan.FromMilliseconds(30));
        await using var stream = Open(SasOptions(_hub));
        var events = Enumerable.Range(0, 50).Select(i => Event("alice", $"m{i:00}")).ToList();
        using var start = new ManualResetEventSlim();

        var calls = events.Select(e => Task.Run(async () =>
        {
            start.Wait();
            await stream.AppendAsync([e], CancellationToken.None);
        })).ToList();
        start.Set();
        await Task.WhenAll(calls).WaitAsync(Liveness);

        var requests = _hub.RequestList;
        output.WriteLine($"50 single-event appends took {requests.Count} requests: {string.Join(", ", requests.Select(r => r.Events.Count))} events each");
        Assert.InRange(requests.Count, 1, 10);
        Assert.All(requests, r => Assert.Equal("alice", r.PartitionKey));
        var sent = requests.SelectMany(r => r.Events).Select(e => e.MessageId).ToList();
        Assert.Equal(events.Select(e => e.MessageId).Order(), sent.Order());
        Assert.Equal(50, stream.AppendCount);
    }

    [Fact]
    public async Task Append_ConcurrentCallersOfManyProfiles_EachRequestHoldsOneProfile()
    {
        await using var stream = Open(SasOptions(_hub));
        var calls = Enumerable.Range(0, 40)
            .Select(i => Task.Run(() => stream.AppendAsync([Event($"p{i % 4}", $"m{i:00}-a"), Event($"p{(i + 1) % 4}", $"m{i:00}-b")], CancellationToken.None)))
            .ToList();

        await Task.WhenAll(calls).WaitAsync(Liveness);

        var requests = _hub.RequestList;
        Assert.All(requests, r => Assert.All(r.Events, e => Assert.Equal(r.PartitionKey, e.AnonymousId)));
        Assert.Equal(80, requests.Sum(r => r.Events.Count));
        Assert.Equal(80, requests.SelectMany(r => r.Events).Select(e => e.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Append_ManyProfilesAtOnce_KeepsAtMostMaxConcurrentRequestsInFlight()
    {
        _hub.Respond = _ => new FakeResponse(201, Delay: TimeSpan.FromMilliseconds(20));
        await using var stream = Open(SasOptions(_hub, o => o.MaxConcurrentRequests = 3));

        await stream.AppendAsync([.. Enumerable.Range(0, 12).Select(i => Event($"p{i}", $"m{i}"))], CancellationToken.None).WaitAsync(Liveness);

        Assert.Equal(12, _hub.Requests.Count);
        Assert.InRange(_hub.MaxInFlight, 1, 3);
    }

    [Fact]
    public async Task Append_CallerSpanningSeveralKeys_CompletesOnlyWhenEveryKeysRequestIsAcknowledged()
    {
        var releaseC = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hub.BeforeAnswer = r => r.PartitionKey == "c" ? releaseC.Task : Task.CompletedTask;
        await using var stream = Open(SasOptions(_hub));

        var append = stream.AppendAsync([Event("a", "a1"), Event("b", "b1"), Event("c", "c1")], CancellationToken.None);
        await _hub.WaitForRequestsAsync(3);
        // A key's requests go one after the other: once a later event of a and of b is acknowledged,
        // a1 and b1 have been acknowledged before it.
        await stream.AppendAsync([Event("a", "a2")], CancellationToken.None).WaitAsync(Liveness);
        await stream.AppendAsync([Event("b", "b2")], CancellationToken.None).WaitAsync(Liveness);
        Assert.False(append.IsCompleted, "a and b are acknowledged but c is not");

        releaseC.SetResult();
        await append.WaitAsync(Liveness);
        Assert.Equal(["a", "a", "b", "b", "c"], _hub.RequestList.Select(r => r.PartitionKey).Order());
    }

    [Fact]
    public async Task Append_OneKeyFails_FailsOnlyTheCallersWithEventsInIt()
    {
        _hub.Respond = r => r.PartitionKey == "bad" ? new FakeResponse(400, Body: "<Error><Code>400</Code><Detail>Bad request</Detail></Error>") : FakeResponse.Created;
        await using var stream = Open(SasOptions(_hub, o => o.MaxDelay = TimeSpan.FromMilliseconds(20)));

        var mixed = stream.AppendAsync([Event("good", "g1"), Event("bad", "x1")], CancellationToken.None);
        var clean = stream.AppendAsync([Event("good", "g2")], CancellationToken.None);

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => mixed.WaitAsync(Liveness));
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
        await clean.WaitAsync(Liveness);
        Assert.Contains(_hub.RequestList, r => r.PartitionKey == "good" && r.Events.Any(e => e.MessageId == "g2"));
    }

    [Fact]
    public async Task Append_AProfilesEventsFromSuccessiveCalls_ArriveInOrder()
    {
        _hub.Respond = _ => new FakeResponse(201, Delay: TimeSpan.FromMilliseconds(5));
        await using var stream = Open(SasOptions(_hub, o => o.MaxBatchBytes = 2048));

        var calls = new List<Task>();
        for (var i = 0; i < 20; i++)
            calls.Add(stream.AppendAsync([Event("alice", $"m{i:00}-0", padding: 200), Event("alice", $"m{i:00}-1", padding: 200)], CancellationToken.None));
        await Task.WhenAll(calls).WaitAsync(Liveness);

        var sent = _hub.RequestList.SelectMany(r => r.Events).Select(e => e.MessageId).ToList();
        Assert.Equal(sent.Order(StringComparer.Ordinal), sent);
        Assert.Equal(40, sent.Count);
    }

    [Fact]
    public async Task Append_CallerCancelsWhileWaiting_GetsCancellationAndOthersAreUnaffected()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hub.BeforeAnswer = r => r.PartitionKey == "slow" ? release.Task : Task.CompletedTask;
        await using var stream = Open(SasOptions(_hub));
        using var cancel = new CancellationTokenSource();

        var waiting = stream.AppendAsync([Event("slow", "s1")], cancel.Token);
        await _hub.WaitForRequestsAsync(1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Liveness));
        await stream.AppendAsync([Event("fast", "f1")], CancellationToken.None).WaitAsync(Liveness);
        release.SetResult();
    }

    [Fact]
    public async Task DisposeAsync_SendsWhatIsQueuedFirst_ThenRefusesAppends()
    {
        _hub.Respond = _ => new FakeResponse(201, Delay: TimeSpan.FromMilliseconds(100));
        var stream = Open(SasOptions(_hub));
        var pending = stream.AppendAsync([Event("alice", "m1")], CancellationToken.None);

        await stream.DisposeAsync().AsTask().WaitAsync(Liveness);

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Single(_hub.Requests);
        await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m2")], CancellationToken.None));
        Assert.False(await stream.IsReachableAsync(CancellationToken.None));
    }
}
