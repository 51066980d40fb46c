using System.Text.Json;
using System.Text.Json.Nodes;
using Journey.Application.Privacy;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Privacy;
using Journey.Domain.Serialization;
using Journey.Domain.Stages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Testing.Store;

/// <summary>
/// Erasure, export and suppression on one store (every container of it): a person built up by the real
/// processor (two anonymous ids merged into a user, an email trait, a review, a cancel reason), plus their
/// actions, predictions, dead letters and a pain point quoting them, next to another customer. After the
/// erasure, every table or container is scanned for the person's ids, email and texts; the other customer is
/// as before; later events of the person's ids or email are dropped, counted, and store nothing.
/// </summary>
public abstract class ErasureContract : IAsyncLifetime
{
    /// <summary>The ports of one store.</summary>
    protected sealed record Stores(
        ICustomerStore Customers,
        ITransitionStore Transitions,
        IDeadLetterStore DeadLetters,
        IFeedbackStore Feedback,
        IPainPointStore PainPoints,
        IActionStore Actions,
        IPredictionStore Predictions,
        IPersonalDataStore Personal,
        ISuppressionStore Suppressions,
        IMetricsStore Metrics);

    private Stores? _stores;

    protected Stores Store => _stores ?? throw new InvalidOperationException("The stores are created in InitializeAsync.");

    /// <summary>A store of its own (empty): <see cref="ScanAsync"/> reads all of it.</summary>
    protected abstract Task<Stores> CreateStoresAsync();

    /// <summary>Every row of every table, or every item of every container, as the text stored (one entry each, named by its table or container).</summary>
    protected abstract Task<IReadOnlyList<(string Container, string Text)>> ScanAsync();

    protected virtual Task DisposeStoresAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _stores = await CreateStoresAsync();

    public Task DisposeAsync() => DisposeStoresAsync();

    private static CancellationToken Ct => CancellationToken.None;

    private readonly FakeTimeProvider _clock = new(Events.T0.AddDays(1));

    /// <summary>Letters only, so that no PII rule takes it for a number.</summary>
    private readonly string _tag = string.Concat(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));

    private string UserId => "u-" + _tag;
    private string Anonymous1 => "anon1-" + _tag;
    private string Anonymous2 => "anon2-" + _tag;
    private string Email => $"ann.{_tag}@example.com";
    private string ReviewText => $"The zipper broke after two days, {_tag} very disappointed";
    private string CancelReason => $"Arrived too late for the {_tag} wedding";
    private string OtherUserId => "other-" + _tag;
    private string OtherAnonymous => "otheranon-" + _tag;
    private string OtherReview => $"Lovely fabric and {_tag} fast delivery";

    private SuppressionList NewSuppressionList() => new(Store.Suppressions, _clock, NullLogger<SuppressionList>.Instance);

    private CustomerErasure NewErasure(SuppressionList suppressions) =>
        new(Store.Customers, Store.Transitions, Store.Actions, Store.Personal, Store.Metrics, suppressions, _clock, NullLogger<CustomerErasure>.Instance);

    private Application.Processing.JourneyProcessor NewProcessor(SuppressionList suppressions) =>
        Processors.Create(Store.Customers, Store.Transitions, Store.DeadLetters, new JourneyRulesOptions(), _clock, Store.Feedback, suppressions: suppressions);

    private long _sequence = 1000;

    private async Task<BatchResult> ProcessAsync(Application.Processing.JourneyProcessor processor, params JourneyEvent[] events)
    {
        var records = Events.Records(events, firstSequence: _sequence);
        _sequence += events.Length;
        return await processor.ProcessAsync(records, Ct);
    }

    /// <summary>Builds the person and the other customer through the processor, then adds what other writers add.</summary>
    private async Task<string> BuildAsync(Application.Processing.JourneyProcessor processor)
    {
        var t = Events.T0;
        await ProcessAsync(processor,
            Events.Page("/", anonymousId: Anonymous1, at: t),
            Events.Page("/shoes", anonymousId: Anonymous2, at: t.AddMinutes(1)),
            Events.Page("/", anonymousId: OtherAnonymous, at: t.AddMinutes(1)));
        await ProcessAsync(processor,
            Events.Identify(UserId, Anonymous1, t.AddMinutes(2), new { email = Email, firstName = "Ann" }),
            Events.Identify(OtherUserId, OtherAnonymous, t.AddMinutes(2), new { email = $"bob.{_tag}@example.com" }));
        await ProcessAsync(processor,
            Events.Track("Product Viewed", anonymousId: Anonymous2, userId: UserId, at: t.AddMinutes(3), properties: new { product_id = "p-1" }),
            Events.Track(EventNames.OrderCompleted, userId: UserId, at: t.AddMinutes(4), properties: new { order_id = "o-" + _tag, revenue = 40.0 }),
            Events.Track(EventNames.ProductReviewed, anonymousId: Anonymous2, userId: UserId, at: t.AddMinutes(5), properties: new { product_id = "p-1", rating = 2, text = ReviewText }),
            Events.Track(EventNames.OrderCancelled, userId: UserId, at: t.AddMinutes(6), properties: new { order_id = "o-" + _tag, reason = CancelReason }),
            Events.Track(EventNames.OrderCompleted, userId: OtherUserId, at: t.AddMinutes(4), properties: new { order_id = "o2-" + _tag, revenue = 70.0 }),
            Events.Track(EventNames.ProductReviewed, userId: OtherUserId, at: t.AddMinutes(5), properties: new { product_id = "p-1", rating = 5, text = OtherReview }));
        // Three dead letters of the person: an event without a message id, a payload that is not JSON, and one with their email in capitals.
        await processor.ProcessAsync(
        [
            Events.Raw($$"""{"type":"track","event":"Order Completed","userId":"{{UserId}}","timestamp":"2026-03-02T10:10:00Z"}""", sequence: _sequence++),
            Events.Raw($"not json \"{Anonymous2}\"", sequence: _sequence++),
            Events.Raw($$$"""{"type":"identify","userId":"someone-else-{{{_tag}}}","traits":{"email":"{{{Email.ToUpperInvariant()}}}"}}""", sequence: _sequence++),
        ], Ct);

        var profile = (await Store.Customers.GetAsync(UserId, Ct))?.Document ?? throw new InvalidOperationException("The person's profile was not written.");
        await Store.Predictions.PatchPredictionsAsync([new PredictionUpdate(profile.Id, new Predictions { ProbabilityAlive = 0.4, PredictedClv = 120, AsOf = "2026-03-02" }, new LifecycleStatus("at_risk", "2026-03-02"))], Ct);
        await Store.Actions.AddAsync([Action(profile.Id, "o-" + _tag), Action(Anonymous2, "stage-" + _tag), Action(OtherUserId, "o2-" + _tag)], Ct);

        var theirs = (await Store.Personal.ListFeedbackByCustomersAsync([profile.Id], Ct)).Single(f => f.Kind == "review");
        var others = (await Store.Personal.ListFeedbackByCustomersAsync([OtherUserId], Ct)).Single();
        await Store.PainPoints.ReplacePeriodAsync(Period, [PainPoint([theirs.Text, others.Text])], Ct);
        // Two daily runs' clv documents name both among the top customers.
        foreach (var date in new[] { "2026-03-01", "2026-03-02" })
            await Store.Metrics.UpsertAsync(MetricsStoreContract.Document(Domain.Metrics.MetricKinds.Clv, date, $$"""
                {"histogramOf":"historicalClv","histogram":[{"from":0,"to":50,"customers":1},{"from":50,"customers":1}],
                 "top":[{"id":"{{OtherUserId}}","orders":1,"historicalClv":70},{"id":"{{profile.Id}}","orders":1,"historicalClv":40}]}
                """), Ct);
        return profile.Id;
    }

    private string Period => $"2026-03-01..2026-03-{_tag[..2]}";

    private PainPointDocument PainPoint(IReadOnlyList<string> quotes) => new()
    {
        Id = Period + ":1",
        Period = Period,
        Since = "2026-03-01",
        Until = "2026-03-31",
        Rank = 1,
        Label = "Quality",
        KeyPhrases = ["zipper"],
        Texts = 2,
        Customers = 2,
        Share = 1,
        Stages = new Dictionary<string, int> { ["Retention"] = 2 },
        Kinds = new Dictionary<string, int> { ["review"] = 2 },
        Products = [new NamedCount("p-1", 2)],
        Categories = [],
        Channels = new Dictionary<string, int> { ["direct"] = 2 },
        RevenueAtRisk = 0,
        CustomersWithPrediction = 0,
        Quotes = quotes,
        Trend = "new",
        PreviousTexts = 0,
        PreviousShare = 0,
        Method = "tfidf",
        GeneratedAt = Events.T0.AddDays(1),
    };

    private ActionDocument Action(string customerId, string key) => new()
    {
        Id = ActionDocument.IdFor(ActionTypes.OrderCancelled, customerId, key),
        ActionType = ActionTypes.OrderCancelled,
        CustomerId = customerId,
        Trigger = new ActionTrigger { Key = key, At = Events.T0, Reason = customerId == OtherUserId ? "n/a" : CancelReason },
        Customer = new ActionCustomer { Id = customerId, UserId = customerId == OtherUserId ? OtherUserId : UserId, Email = customerId == OtherUserId ? null : Email, AnonymousIds = customerId == OtherUserId ? [] : [Anonymous1, Anonymous2] },
        CreatedAt = Events.T0,
        DueAt = Events.T0,
    };

    /// <summary>What the store holds of the other customer, as JSON (ETags aside).</summary>
    private async Task<string> OtherCustomerAsync(CustomerErasure erasure)
    {
        var data = await erasure.FindAsync(OtherUserId, Ct) ?? throw new InvalidOperationException("The other customer is missing.");
        var painPoints = await Store.PainPoints.ListAsync(Period, Ct);
        return string.Join("\n",
        [
            JourneyJson.Serialize(data.Profile),
            .. data.Redirects.Select(JourneyJson.Serialize),
            .. data.Transitions.Select(JourneyJson.Serialize),
            .. data.Feedback.Select(JourneyJson.Serialize),
            .. data.Actions.Select(JourneyJson.Serialize),
            .. data.DeadLetters.Select(JourneyJson.Serialize),
            .. painPoints.SelectMany(p => p.Quotes).Where(q => !q.Contains("zipper", StringComparison.Ordinal)),
        ]);
    }

    private IReadOnlyList<string> Needles => [UserId, Anonymous1, Anonymous2, Email, ReviewText, CancelReason, "zipper broke", "too late for the"];

    /// <summary>Every place (container: needle) where a needle is stored, raw or JSON-escaped.</summary>
    private async Task<List<string>> FindPersonAsync(IReadOnlyList<string> needles)
    {
        var found = new List<string>();
        foreach (var (container, text) in await ScanAsync())
        {
            var strings = StoredStrings(text);
            foreach (var needle in needles)
            {
                if (strings.Any(s => s.Contains(needle, StringComparison.OrdinalIgnoreCase))) found.Add($"{container}: {needle}");
            }
        }
        return found;
    }

    /// <summary>The text, and when it is JSON every string in it (property names too) unescaped.</summary>
    private static List<string> StoredStrings(string text)
    {
        var strings = new List<string> { text };
        try
        {
            Collect(JsonNode.Parse(text), strings);
        }
        catch (JsonException)
        {
            // not JSON: the raw text alone
        }
        return strings;
    }

    private static void Collect(JsonNode? node, List<string> strings)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    strings.Add(name);
                    Collect(value, strings);
                }
                break;
            case JsonArray a:
                foreach (var item in a) Collect(item, strings);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>();
                strings.Add(s);
                if (s.StartsWith('{') || s.StartsWith('[')) strings.AddRange(StoredStrings(s));
                break;
        }
    }

    [Fact]
    public async Task Erase_leaves_nothing_of_the_person_keeps_the_other_customer_and_suppresses_later_events()
    {
        var suppressions = NewSuppressionList();
        var processor = NewProcessor(suppressions);
        var profileId = await BuildAsync(processor);
        var erasure = NewErasure(suppressions);
        Assert.NotEmpty(await FindPersonAsync(Needles));
        var other = await OtherCustomerAsync(erasure);

        // Found from a merged anonymous id.
        var counts = await erasure.EraseAsync(Anonymous2, Ct);

        Assert.NotNull(counts);
        Assert.Equal(UserId, profileId);
        Assert.True(counts.Customers >= 2, $"the profile and at least one redirect: {counts}");
        Assert.True(counts.Transitions >= 2, counts.ToString());
        Assert.Equal(2, counts.Feedback);
        Assert.Equal(2, counts.Actions);
        Assert.Equal(1, counts.Predictions);
        Assert.Equal(3, counts.DeadLetters);
        Assert.Equal(1, counts.PainPointQuotes);
        Assert.Equal(4, counts.Suppressions);
        Assert.Equal(2, counts.ClvTopEntries);
        Assert.Empty(await FindPersonAsync(Needles));
        var clv = await Store.Metrics.GetAsync(Domain.Metrics.MetricKinds.Clv, "2026-03-02", Ct);
        Assert.Equal([OtherUserId], clv!.Data.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.Equal(2, clv.Data.GetProperty("histogram").GetArrayLength());
        Assert.Equal(other, await OtherCustomerAsync(erasure));
        Assert.Contains("Lovely fabric", Assert.Single(Assert.Single(await Store.PainPoints.ListAsync(Period, Ct)).Quotes), StringComparison.Ordinal);
        foreach (var id in new[] { UserId, Anonymous1, Anonymous2 })
        {
            Assert.Null(await Store.Customers.GetAsync(id, Ct));
            Assert.Empty(await Store.Transitions.ListAsync(id, Ct));
            Assert.Empty(await Store.Actions.ListByCustomerAsync(id, Ct));
        }

        // Idempotent: the person is unknown now.
        Assert.Null(await erasure.EraseAsync(UserId, Ct));
        Assert.Null(await erasure.ExportAsync(Anonymous1, Ct));

        // Later events of any of their ids, or a new id with their email, are dropped before any write.
        var t = Events.T0.AddDays(2);
        var newUser = "newuser-" + _tag;
        var later = await ProcessAsync(processor,
            Events.Page("/again", anonymousId: Anonymous1, at: t),
            Events.Track(EventNames.ProductReviewed, userId: UserId, at: t, properties: new { product_id = "p-1", rating = 1, text = ReviewText }),
            Events.Track(EventNames.OrderCancelled, anonymousId: Anonymous2, at: t, properties: new { order_id = "o3-" + _tag, reason = CancelReason }),
            Events.Identify(newUser, "newanon-" + _tag, t, new { email = Email.ToUpperInvariant() }),
            Events.Page("/", anonymousId: OtherAnonymous, userId: OtherUserId, at: t));
        Assert.Equal(4, later.Suppressed);
        Assert.Equal(1, later.Applied);
        Assert.Equal(0, later.DeadLettered);
        Assert.Equal(4, suppressions.EventsDropped);
        Assert.Empty(await FindPersonAsync([.. Needles, newUser, "newanon-" + _tag]));
        Assert.Null(await Store.Customers.GetAsync(UserId, Ct));

        // Another instance loads the same list from the store.
        var elsewhere = NewSuppressionList();
        await elsewhere.EnsureFreshAsync(Ct);
        Assert.Equal(4, elsewhere.Entries);
        Assert.True(elsewhere.IsSuppressed(Events.Page("/", anonymousId: Anonymous1)));
        Assert.True(elsewhere.IsSuppressed(SuppressionKinds.Email, " " + Email.ToUpperInvariant()));
        Assert.False(elsewhere.IsSuppressed(Events.Page("/", anonymousId: OtherAnonymous)));
    }

    [Fact]
    public async Task Export_holds_everything_about_the_person_as_json()
    {
        var suppressions = NewSuppressionList();
        var profileId = await BuildAsync(NewProcessor(suppressions));
        var erasure = NewErasure(suppressions);

        var export = await erasure.ExportAsync(Anonymous1, Ct);

        Assert.NotNull(export);
        var json = JsonNode.Parse(export.ToJsonString())!.AsObject();
        Assert.Equal(Anonymous1, (string?)json["id"]);
        Assert.Equal(profileId, (string?)json["customerId"]);
        Assert.Equal(Email, (string?)json["email"]);
        Assert.Equal([Anonymous1, Anonymous2, UserId], json["ids"]!["all"]!.AsArray().Select(n => (string)n!).Order(StringComparer.Ordinal));
        Assert.Equal(profileId, (string?)json["customer"]!["id"]);
        Assert.NotEmpty(json["customer"]!["journey"]!.AsObject());
        Assert.Equal(0.4, (double?)json["predictions"]!["probabilityAlive"]);
        Assert.Equal((await Store.Transitions.ListAsync(profileId, Ct)).Count, json["transitions"]!.AsArray().Count);
        Assert.Equal(["cancel", "review"], json["feedback"]!.AsArray().Select(f => (string)f!["kind"]!).Order(StringComparer.Ordinal));
        Assert.Equal(2, json["actions"]!.AsArray().Count);
        Assert.Equal(3, json["deadLetters"]!.AsArray().Count);
        var quote = Assert.Single(json["painPointQuotes"]!.AsArray());
        Assert.Contains("zipper broke", (string)quote!["quote"]!, StringComparison.Ordinal);
        Assert.False((bool)json["suppression"]!["suppressed"]!);
        Assert.DoesNotContain(OtherUserId, json.ToJsonString(), StringComparison.Ordinal);

        // After the erasure the person is unknown.
        await erasure.EraseAsync(UserId, Ct);
        Assert.Null(await erasure.ExportAsync(UserId, Ct));
    }

    [Fact]
    public async Task The_key_is_stored_once_and_entries_are_added_once()
    {
        var first = await Store.Suppressions.GetOrAddKeyAsync([1, 2, 3, 4], Ct);
        var second = await Store.Suppressions.GetOrAddKeyAsync([9, 9, 9, 9], Ct);
        Assert.Equal([1, 2, 3, 4], first);
        Assert.Equal(first, second);

        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(2));
        var entry = new SuppressionEntry(SuppressionHash.Of(first, SuppressionKinds.Id, UserId), SuppressionKinds.Id, at);
        await Store.Suppressions.AddAsync([entry], Ct);
        await Store.Suppressions.AddAsync([entry, entry with { Hash = SuppressionHash.Of(first, SuppressionKinds.Email, Email), Kind = SuppressionKinds.Email }], Ct);
        var listed = await Store.Suppressions.ListAsync(Ct);
        Assert.Equal(2, listed.Count);
        var stored = Assert.Single(listed, e => e.Kind == SuppressionKinds.Id);
        Assert.Equal(entry.Hash, stored.Hash);
        Assert.Equal(at.UtcTicks, stored.At.UtcTicks);
        Assert.Empty(await FindPersonAsync([UserId, Email]));
    }
}
