using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Journey.Testing.Stream;
using Microsoft.Extensions.Time.Testing;
using Moq;
using static Journey.Adapters.Tests.Stream.StreamTestData;

namespace Journey.Adapters.Tests.Stream.EventHubs;

/// <summary>
/// The producer over a mocked <see cref="EventHubProducerClient"/> (the Azure SDK's mocking guidance: Moq, and
/// batches from <see cref="EventHubsModelFactory.EventDataBatch"/>): batching, partition keys, acknowledgement,
/// failures, health.
/// </summary>
public sealed class EventHubsProducerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static EventHubsOptions Options(Action<EventHubsOptions>? configure = null)
    {
        var options = new EventHubsOptions { FullyQualifiedNamespace = MockEventHub.Namespace };
        configure?.Invoke(options);
        return options;
    }

    private static EventHubsProducer Producer(MockEventHub hub, EventHubsOptions? options = null, TimeProvider? time = null) =>
        new(hub.Client.Object, options ?? Options(), time);

    private static int BodySize(JourneyEvent evt) => JourneyEventJson.ToUtf8(evt).Length;

    [Fact]
    public async Task Append_OneProfile_IsOneBatchWithThePartitionKeyAndTheEventJsonAsBodies()
    {
        var hub = new MockEventHub();
        await using var producer = Producer(hub);
        var properties = System.Text.Json.JsonSerializer.SerializeToElement(new { revenue = 42.5, note = "ünïcode <b> \"quoted\" 😀" });
        var events = Enumerable.Range(0, 10).Select(i => Event("anon-1", $"m{i}", padding: i * 100) with { Properties = properties }).ToList();

        await producer.AppendAsync(events, Ct);

        var batch = Assert.Single(hub.Sent);
        for (var i = 0; i < events.Count; i++) Assert.Equal(JourneyEventJson.ToUtf8(events[i]), batch.Data[i].EventBody.ToArray());
        Assert.Equal("anon-1", batch.PartitionKey);
        Assert.Equal(events.Select(e => e.MessageId), batch.Events.Select(e => e.MessageId));
        Assert.All(batch.Data, d => Assert.Equal("application/json", d.ContentType));
        Assert.Equal(events.Select(e => e.MessageId), batch.Data.Select(d => d.MessageId));
        Assert.Equal(1, producer.BatchesSent);
        Assert.Equal(10, producer.EventsSent);
    }

    [Fact]
    public async Task Append_ManyProfiles_IsOneBatchPerPartitionKey_TheUserIdWinningOverTheAnonymousId()
    {
        var hub = new MockEventHub();
        await using var producer = Producer(hub);
        var known = Event("anon-9", "k1") with { UserId = "user-9" };
        var events = new List<JourneyEvent> { Event("a", "a1"), Event("b", "b1"), known, Event("a", "a2"), Event("b", "b2"), Event("a", "a3") };

        await producer.AppendAsync(events, Ct);

        var byKey = hub.Sent.ToDictionary(b => b.PartitionKey, b => b.Events.Select(e => e.MessageId).ToList());
        Assert.Equal(3, hub.Sent.Count);
        Assert.Equal(["a1", "a2", "a3"], byKey["a"]);
        Assert.Equal(["b1", "b2"], byKey["b"]);
        Assert.Equal(["k1"], byKey["user-9"]);
        foreach (var batch in hub.Sent) Assert.All(batch.Events, e => Assert.Equal(batch.PartitionKey, e.ProfileKey));
    }

    [Fact]
    public async Task Append_MoreThanABatchHolds_IsSplitAtTheSizeLimit_InOrder()
    {
        var sample = Event("big", "m00", padding: 1000);
        var hub = new MockEventHub(batchBodyLimit: BodySize(sample) * 4 + 10); // four events fit, a fifth does not
        await using var producer = Producer(hub);
        var events = Enumerable.Range(0, 10).Select(i => Event("big", $"m{i:D2}", padding: 1000)).ToList();

        await producer.AppendAsync(events, Ct);

        Assert.Equal([4, 4, 2], hub.Sent.Select(b => b.Events.Count));
        Assert.All(hub.Sent, b => Assert.Equal("big", b.PartitionKey));
        Assert.Equal(events.Select(e => e.MessageId), hub.Sent.SelectMany(b => b.Events).Select(e => e.MessageId));
        Assert.Equal(3, producer.BatchesSent);
    }

    [Fact]
    public async Task Append_SendsAProfilesSecondBatch_OnlyOnceTheFirstWasAcknowledged()
    {
        var sample = Event("seq", "s0", padding: 500);
        var hub = new MockEventHub(batchBodyLimit: BodySize(sample) * 2 + 10);
        var firstHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = 0;
        hub.OnSend = async (_, _) =>
        {
            if (Interlocked.Increment(ref sends) != 1) return;
            firstHeld.SetResult();
            await release.Task;
        };
        await using var producer = Producer(hub);

        var append = producer.AppendAsync([.. Enumerable.Range(0, 4).Select(i => Event("seq", $"s{i}", padding: 500))], Ct);
        await firstHeld.Task.WaitAsync(Patience);

        Assert.Equal(1, Volatile.Read(ref sends)); // the second batch waits for the first one's acknowledgement
        Assert.False(append.IsCompleted);
        release.SetResult();
        await append.WaitAsync(Patience);
        Assert.Equal(2, sends);
        Assert.Equal(["s0", "s1", "s2", "s3"], hub.Sent.SelectMany(b => b.Events).Select(e => e.MessageId));
    }

    [Fact]
    public async Task Append_CompletesOnlyAfterItsBatchWasSent()
    {
        var hub = new MockEventHub();
        var sending = new TaskCompletionSource<SentBatch>(TaskCreationOptions.RunContinuationsAsynchronously);
        var acknowledge = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.OnSend = async (batch, _) =>
        {
            sending.SetResult(batch);
            await acknowledge.Task;
        };
        await using var producer = Producer(hub);

        var append = producer.AppendAsync([Event("waiting", "w1")], Ct);
        var inFlight = await sending.Task.WaitAsync(Patience);

        Assert.Equal("waiting", inFlight.PartitionKey);
        Assert.False(append.IsCompleted);
        Assert.Empty(hub.Sent);
        acknowledge.SetResult();
        await append.WaitAsync(Patience);
        Assert.Single(hub.Sent);
    }

    [Fact]
    public async Task Append_ManyProfiles_SendsTheirBatchesConcurrently_AndWaitsForAll()
    {
        var hub = new MockEventHub();
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.OnSend = async (_, _) =>
        {
            if (Interlocked.Increment(ref arrived) == 3) allArrived.SetResult();
            await release.Task;
        };
        await using var producer = Producer(hub);

        var append = producer.AppendAsync([Event("x", "x1"), Event("y", "y1"), Event("z", "z1")], Ct);
        await allArrived.Task.WaitAsync(Patience); // all three in flight at once

        Assert.False(append.IsCompleted);
        release.SetResult();
        await append.WaitAsync(Patience);
        Assert.Equal(3, hub.Sent.Count);
    }

    [Fact]
    public async Task Append_MoreProfilesThanMaxConcurrentSends_SendsThemAll_AtMostThatManyAtOnce()
    {
        var hub = new MockEventHub();
        int inFlight = 0, most = 0;
        hub.OnSend = async (_, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
        };
        await using var producer = Producer(hub, Options(o => o.MaxConcurrentSends = 2));

        await producer.AppendAsync([.. Enumerable.Range(0, 9).Select(i => Event($"p{i}", $"m{i}"))], Ct);

        Assert.Equal(9, hub.Sent.Count);
        Assert.InRange(most, 1, 2);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
        }
    }

    [Fact]
    public async Task Append_FailedSend_ThrowsStreamUnavailable_WithTheConfiguredRetryAfter()
    {
        var hub = new MockEventHub();
        var busy = new EventHubsException(isTransient: true, MockEventHub.Hub, "The service is busy.", EventHubsException.FailureReason.ServiceBusy);
        hub.OnSend = (_, _) => throw busy;
        await using var producer = Producer(hub, Options(o => o.RetryAfter = TimeSpan.FromSeconds(7)));

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => producer.AppendAsync([Event("p", "m1")], Ct));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Same(busy, error.InnerException);
        Assert.Contains("ServiceBusy", error.Message, StringComparison.Ordinal);
        Assert.Contains(MockEventHub.Namespace, error.Message, StringComparison.Ordinal);
        Assert.Empty(hub.Sent);
        Assert.Equal(0, producer.EventsSent);
    }

    [Fact]
    public async Task Append_BatchCannotBeCreated_ThrowsStreamUnavailable()
    {
        var hub = new MockEventHub();
        hub.Client.Setup(c => c.CreateBatchAsync(It.IsAny<CreateBatchOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new UnauthorizedAccessException("'Send' claim(s) are required"));
        await using var producer = Producer(hub);

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => producer.AppendAsync([Event("p", "m1")], Ct));

        Assert.IsType<UnauthorizedAccessException>(error.InnerException);
        hub.Client.Verify(c => c.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Append_OneProfilesSendFails_TheWholeCallFails()
    {
        var hub = new MockEventHub();
        hub.OnSend = (batch, _) => batch.PartitionKey == "bad"
            ? throw new EventHubsException(isTransient: false, MockEventHub.Hub, "gone", EventHubsException.FailureReason.ResourceNotFound)
            : Task.CompletedTask;
        await using var producer = Producer(hub);

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => producer.AppendAsync([Event("good", "g1"), Event("bad", "b1")], Ct));

        Assert.Contains("ResourceNotFound", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_EventTooLargeForAnEmptyBatch_FailsClearly_AndSendsNothing()
    {
        var hub = new MockEventHub(batchBodyLimit: 2000);
        await using var producer = Producer(hub);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => producer.AppendAsync([Event("small", "ok1"), Event("huge", "too-big", padding: 5000)], Ct));

        Assert.Contains("too-big", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not fit in an empty Event Hubs batch", error.Message, StringComparison.Ordinal);
        hub.Client.Verify(c => c.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Append_EventWithoutAnyId_IsRejected()
    {
        var hub = new MockEventHub();
        await using var producer = Producer(hub);

        await Assert.ThrowsAsync<ArgumentException>(() => producer.AppendAsync([Event("p", "m1") with { AnonymousId = null }], Ct));
        Assert.Equal(0, hub.BatchesCreated);
    }

    [Fact]
    public async Task Append_CallerCancels_IsACancellation_NotAnOutage()
    {
        var hub = new MockEventHub();
        hub.OnSend = (_, ct) => Task.Delay(Timeout.Infinite, ct);
        await using var producer = Producer(hub);
        using var cancel = new CancellationTokenSource();

        var append = producer.AppendAsync([Event("p", "m1")], cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => append.WaitAsync(Patience));
    }

    [Fact]
    public async Task Append_AfterDispose_ThrowsStreamUnavailable_AndTheOwnedClientIsClosed()
    {
        var hub = new MockEventHub();
        var producer = Producer(hub);

        await producer.DisposeAsync();

        await Assert.ThrowsAsync<StreamUnavailableException>(() => producer.AppendAsync([Event("p", "m1")], Ct));
        hub.Client.Verify(c => c.DisposeAsync(), Times.Once);
        Assert.False(await producer.IsReachableAsync(Ct));
    }

    [Fact]
    public void PartitionKeyOf_IsTheProfileKey_OrAStableHashOverTheServiceLimit()
    {
        Assert.Equal("anon-1", EventHubsProducer.PartitionKeyOf("anon-1"));
        var longKey = new string('k', 200);
        var hashed = EventHubsProducer.PartitionKeyOf(longKey);
        Assert.StartsWith("sha256:", hashed, StringComparison.Ordinal);
        Assert.True(hashed.Length <= EventHubsProducer.MaxPartitionKeyLength);
        Assert.Equal(hashed, EventHubsProducer.PartitionKeyOf(longKey));
    }

    [Fact]
    public async Task IsReachable_AsksTheHubOnce_ThenTrustsTheAnswerForTheCacheDuration()
    {
        var hub = new MockEventHub();
        var clock = new FakeTimeProvider(T0);
        await using var producer = Producer(hub, Options(o => o.HealthCacheDuration = TimeSpan.FromSeconds(5)), clock);

        Assert.True(await producer.IsReachableAsync(Ct));
        Assert.True(await producer.IsReachableAsync(Ct));
        hub.Client.Verify(c => c.GetEventHubPropertiesAsync(It.IsAny<CancellationToken>()), Times.Once);

        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True(await producer.IsReachableAsync(Ct));
        hub.Client.Verify(c => c.GetEventHubPropertiesAsync(It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task IsReachable_HubFails_IsFalse_AndDoesNotThrow()
    {
        var hub = new MockEventHub { Properties = _ => throw new EventHubsException(true, MockEventHub.Hub, "no route", EventHubsException.FailureReason.ServiceCommunicationProblem) };
        await using var producer = Producer(hub);

        Assert.False(await producer.IsReachableAsync(Ct));
    }

    [Fact]
    public async Task IsReachable_HubDoesNotAnswerWithinTheHealthTimeout_IsFalse()
    {
        var hub = new MockEventHub();
        var probing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Properties = async ct =>
        {
            probing.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };
        var clock = new FakeTimeProvider(T0);
        await using var producer = Producer(hub, Options(o => o.HealthTimeout = TimeSpan.FromSeconds(2)), clock);

        var reachable = producer.IsReachableAsync(Ct);
        await probing.Task.WaitAsync(Patience);
        Assert.False(reachable.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.False(await reachable.WaitAsync(Patience));
    }

    [Fact]
    public async Task IsReachable_FollowsTheLastAppend_WithoutProbing()
    {
        var hub = new MockEventHub();
        var clock = new FakeTimeProvider(T0);
        await using var producer = Producer(hub, time: clock);

        hub.OnSend = (_, _) => throw new EventHubsException(true, MockEventHub.Hub, "busy", EventHubsException.FailureReason.ServiceBusy);
        await Assert.ThrowsAsync<StreamUnavailableException>(() => producer.AppendAsync([Event("p", "m1")], Ct));
        Assert.False(await producer.IsReachableAsync(Ct));

        hub.OnSend = (_, _) => Task.CompletedTask;
        await producer.AppendAsync([Event("p", "m2")], Ct);
        Assert.True(await producer.IsReachableAsync(Ct));
        hub.Client.Verify(c => c.GetEventHubPropertiesAsync(It.IsAny<CancellationToken>()), Times.Never);
    }
}
