using Journey.Domain.Events;
using Journey.Domain.Ports;

namespace Journey.Testing.Stream;

/// <summary>
/// What every <see cref="IEventStream"/> adapter must do (the embedded log, Event Hubs over a mocked
/// client). A subclass opens the stream, reads back what it accepted, and can make it fail.
/// </summary>
public abstract class EventStreamContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static int _counter;

    private IEventStream? _stream;

    protected IEventStream Stream => _stream ?? throw new InvalidOperationException("The stream is created in InitializeAsync.");

    protected abstract Task<IEventStream> CreateStreamAsync();

    /// <summary>
    /// Everything the stream accepted, per partition, each partition in the order a reader sees it.
    /// <c>Partition</c> is the stream's partition (the embedded log), or the partition key the events were
    /// sent with (Event Hubs, where the service maps one key to one partition).
    /// </summary>
    protected abstract Task<IReadOnlyList<AcceptedPartition>> ReadAcceptedAsync();

    /// <summary>Makes the next appends fail (the stream down, shut, refusing).</summary>
    protected abstract Task MakeUnavailableAsync();

    protected virtual Task DisposeStreamAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _stream = await CreateStreamAsync();

    public Task DisposeAsync() => DisposeStreamAsync();

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>An event of <paramref name="profile"/> (an anonymous id, or a user id), with a unique message id and some padding.</summary>
    protected static JourneyEvent Event(string profile, bool asUser = false, int padding = 0) => new()
    {
        MessageId = $"m-{Interlocked.Increment(ref _counter):D7}",
        Type = MessageType.Track,
        Event = "Product Viewed",
        AnonymousId = asUser ? null : profile,
        UserId = asUser ? profile : null,
        Timestamp = T0,
        ReceivedAt = T0,
        Device = DeviceClass.Desktop,
        Channel = "direct",
        UserAgent = padding > 0 ? new string('x', padding) : null,
    };

    private async Task<List<(string Partition, JourneyEvent Event)>> AllAcceptedAsync() =>
        [.. (await ReadAcceptedAsync()).SelectMany(p => p.Events.Select(e => (p.Partition, e)))];

    [Fact]
    public async Task Every_appended_event_is_readable_afterwards_exactly_once()
    {
        var events = Enumerable.Range(0, 60).Select(i => Event($"p{i % 7}", asUser: i % 2 == 0, padding: 200)).ToList();

        for (var i = 0; i < events.Count; i += 20) await Stream.AppendAsync(events.GetRange(i, 20), Ct);

        var accepted = await AllAcceptedAsync();
        Assert.Equal(events.Select(e => e.MessageId).Order(StringComparer.Ordinal), accepted.Select(a => a.Event.MessageId).Order(StringComparer.Ordinal));
        foreach (var (_, read) in accepted)
            Assert.Equal(events.Single(e => e.MessageId == read.MessageId).ProfileKey, read.ProfileKey);
    }

    [Fact]
    public async Task The_same_events_appended_twice_are_there_twice()
    {
        var events = new List<JourneyEvent> { Event("twice"), Event("twice") };

        await Stream.AppendAsync(events, Ct);
        await Stream.AppendAsync(events, Ct);

        var ids = (await AllAcceptedAsync()).Select(a => a.Event.MessageId).ToList();
        Assert.Equal(4, ids.Count);
        Assert.All(events, e => Assert.Equal(2, ids.Count(id => id == e.MessageId)));
    }

    [Fact]
    public async Task A_profiles_events_keep_their_order_in_one_partition()
    {
        // Interleaved profiles over several appends, large enough to fill more than one batch of a small hub.
        var profiles = Enumerable.Range(0, 5).Select(i => $"order-{i}").ToList();
        var events = Enumerable.Range(0, 200).Select(i => Event(profiles[(i * 3 + i / 7) % profiles.Count], padding: 300)).ToList();

        foreach (var chunk in events.Chunk(50)) await Stream.AppendAsync(chunk, Ct);

        var accepted = await AllAcceptedAsync();
        foreach (var profile in profiles)
        {
            var expected = events.Where(e => e.ProfileKey == profile).Select(e => e.MessageId).ToList();
            var read = accepted.Where(a => a.Event.ProfileKey == profile).ToList();
            Assert.Single(read.Select(a => a.Partition).Distinct());
            Assert.Equal(expected, read.Select(a => a.Event.MessageId));
        }
    }

    [Fact]
    public async Task Concurrent_appends_are_all_accepted_each_profile_in_order()
    {
        var perWriter = Enumerable.Range(0, 8)
            .Select(w => Enumerable.Range(0, 30).Select(i => Event($"writer-{w}-{i % 3}", padding: 100)).ToList())
            .ToList();

        await Task.WhenAll(perWriter.Select(async events =>
        {
            foreach (var chunk in events.Chunk(6)) await Stream.AppendAsync(chunk, Ct);
        }));

        var accepted = await AllAcceptedAsync();
        Assert.Equal(perWriter.Sum(e => e.Count), accepted.Count);
        foreach (var profile in perWriter.SelectMany(e => e).Select(e => e.ProfileKey).Distinct())
        {
            var expected = perWriter.SelectMany(e => e).Where(e => e.ProfileKey == profile).Select(e => e.MessageId);
            var read = accepted.Where(a => a.Event.ProfileKey == profile).ToList();
            Assert.Single(read.Select(a => a.Partition).Distinct());
            Assert.Equal(expected, read.Select(a => a.Event.MessageId));
        }
    }

    [Fact]
    public async Task An_empty_append_is_fine_and_adds_nothing()
    {
        await Stream.AppendAsync([], Ct);

        Assert.Empty(await AllAcceptedAsync());
    }

    [Fact]
    public async Task An_append_that_fails_throws_StreamUnavailableException_with_a_retry_delay()
    {
        await MakeUnavailableAsync();

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => Stream.AppendAsync([Event("refused"), Event("refused-too")], Ct));

        Assert.True(error.RetryAfter > TimeSpan.Zero);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public async Task A_healthy_stream_is_reachable()
    {
        Assert.True(await Stream.IsReachableAsync(Ct));
    }
}

/// <summary>One partition of what a stream accepted, in the order a reader sees it.</summary>
public sealed record AcceptedPartition(string Partition, IReadOnlyList<JourneyEvent> Events);
