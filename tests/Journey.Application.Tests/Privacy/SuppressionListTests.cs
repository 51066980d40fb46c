using Journey.Application.Privacy;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Privacy;
using Journey.Domain.Stages;
using Journey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Application.Tests.Privacy;

/// <summary>The suppression list in memory: keyed hashes, the refresh on a TTL, a failed refresh, and the processor dropping suppressed events before any write.</summary>
public sealed class SuppressionListTests : IDisposable
{
    private static CancellationToken Ct => CancellationToken.None;
    private readonly FakeTimeProvider _clock = new(Events.T0);
    private readonly InMemorySuppressionStore _store = new();
    private readonly SuppressionList _list;

    public SuppressionListTests() => _list = new SuppressionList(_store, _clock, NullLogger<SuppressionList>.Instance);

    public void Dispose() => _list.Dispose();

    [Fact]
    public async Task Entries_are_keyed_hashes_never_the_values_and_an_email_matches_in_any_case()
    {
        var entries = await _list.AddAsync([(SuppressionKinds.Id, "u-1"), (SuppressionKinds.Id, "a-1"), (SuppressionKinds.Id, "u-1"), (SuppressionKinds.Email, " Ann@Example.com "), (SuppressionKinds.Id, "  ")], Ct);

        Assert.Equal(3, entries.Count);
        Assert.Equal(3, _store.Entries.Count);
        Assert.All(_store.Entries, e => Assert.Matches("^[0-9a-f]{64}$", e.Hash));
        var key = await _store.GetOrAddKeyAsync([0], Ct);
        Assert.Equal(SuppressionHash.KeyBytes, key.Length);
        Assert.Contains(_store.Entries, e => e.Hash == SuppressionHash.Of(key, SuppressionKinds.Id, "u-1"));
        // keyed: the plain SHA-256 of the value is not what is stored
        var plain = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("id:u-1")));
        Assert.DoesNotContain(_store.Entries, e => e.Hash == plain);

        Assert.True(_list.IsSuppressed(Events.Page("/", anonymousId: "a-1")));
        Assert.True(_list.IsSuppressed(Events.Track("X", userId: "u-1")));
        Assert.True(_list.IsSuppressed(Events.Alias("u-1", "u-new")));
        Assert.True(_list.IsSuppressed(Events.Identify("u-new", "a-new", traits: new { email = "ANN@example.COM" })));
        Assert.False(_list.IsSuppressed(Events.Identify("u-new", "a-new", traits: new { email = "bob@example.com" })));
        Assert.False(_list.IsSuppressed(Events.Page("/", anonymousId: "u-10")));
        // the id kind and the email kind do not mix
        Assert.False(_list.IsSuppressed(SuppressionKinds.Email, "u-1"));
    }

    [Fact]
    public async Task Another_instance_sees_an_entry_after_the_refresh_interval_and_keeps_its_list_while_the_store_is_down()
    {
        var other = new SuppressionList(_store, _clock, NullLogger<SuppressionList>.Instance);
        await other.EnsureFreshAsync(Ct);
        Assert.Equal(0, other.Entries);

        await _list.AddAsync([(SuppressionKinds.Id, "u-1")], Ct);
        Assert.True(_list.IsSuppressed(SuppressionKinds.Id, "u-1"));

        _clock.Advance(SuppressionList.RefreshInterval - TimeSpan.FromSeconds(1));
        await other.EnsureFreshAsync(Ct);
        Assert.False(other.IsSuppressed(SuppressionKinds.Id, "u-1"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        await other.EnsureFreshAsync(Ct);
        Assert.True(other.IsSuppressed(SuppressionKinds.Id, "u-1"));

        _store.Unavailable = true;
        _clock.Advance(SuppressionList.RefreshInterval);
        var lists = _store.Lists;
        await other.EnsureFreshAsync(Ct);
        Assert.Equal(lists + 1, _store.Lists);
        Assert.True(other.IsSuppressed(SuppressionKinds.Id, "u-1"));
        // not tried again before the interval
        await other.EnsureFreshAsync(Ct);
        Assert.Equal(lists + 1, _store.Lists);
        other.Dispose();
    }

    [Fact]
    public async Task A_first_load_that_fails_fails_the_batch()
    {
        _store.Unavailable = true;
        var processor = Processors.Create(new InMemoryJourneyStore(), new InMemoryJourneyStore(), new InMemoryJourneyStore(), new JourneyRulesOptions(), _clock, suppressions: _list);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => processor.ProcessAsync(Events.Records([Events.Page("/", anonymousId: "a-1")]), Ct));
    }

    [Fact]
    public async Task The_processor_drops_suppressed_events_before_any_write_dead_letters_included()
    {
        var store = new InMemoryJourneyStore();
        var feedback = new InMemoryFeedbackStore();
        var processor = Processors.Create(store, store, store, new JourneyRulesOptions(), _clock, feedback, suppressions: _list);
        await _list.AddAsync([(SuppressionKinds.Id, "u-1"), (SuppressionKinds.Id, "a-1")], Ct);

        var result = await processor.ProcessAsync(
        [
            .. Events.Records(
            [
                Events.Page("/", anonymousId: "a-1"),
                Events.Track(EventNames.ProductReviewed, userId: "u-1", properties: new { product_id = "p", rating = 1, text = "Broken on arrival, really bad" }),
                Events.Identify("u-1", "a-2"),
                Events.Page("/", anonymousId: "a-3"),
            ]),
            // records that would be dead letters, but whose ids are known: dropped, not stored
            Events.Raw("""{"type":"track","event":"X","userId":"u-1","messageId":"m-x","timestamp":"not a time"}""", sequence: 10),
            Events.Raw("""{"type":"track","event":"X","anonymousId":"a-1","timestamp":"2026-03-02T10:00:00Z"}""", sequence: 11),
            Events.Raw("""{"type":"track","event":"X","anonymousId":"a-9","timestamp":"2026-03-02T10:00:00Z"}""", sequence: 12),
        ], Ct);

        Assert.Equal(5, result.Suppressed);
        Assert.Equal(1, result.Applied);
        Assert.Equal(1, result.DeadLettered);
        Assert.Contains("\"a-9\"", Assert.Single(store.DeadLetters).RawPayload, StringComparison.Ordinal);
        Assert.Equal(["a-3"], store.CustomerIds);
        Assert.Equal(0, feedback.Count);
        Assert.Equal(5, _list.EventsDropped);
    }

    [Fact]
    public async Task An_empty_list_changes_nothing()
    {
        var store = new InMemoryJourneyStore();
        var processor = Processors.Create(store, store, store, new JourneyRulesOptions(), _clock, suppressions: _list);
        var result = await processor.ProcessAsync(Events.Records([Events.Page("/", anonymousId: "a-1"), Events.Identify("u-1", "a-1")]), Ct);
        Assert.Equal(0, result.Suppressed);
        Assert.Equal(2, result.Applied);
        Assert.Equal(0, _list.Entries);
    }
}
