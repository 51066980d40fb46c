using System.Text.Json;
using System.Text.Json.Nodes;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Privacy;
using Journey.Domain.Serialization;
using Microsoft.Extensions.Logging;

namespace Journey.Application.Privacy;

/// <summary>Everything held about one person, found from any of their ids.</summary>
/// <param name="Profile">The customer document (with the processor's state and the daily job's predictions).</param>
/// <param name="Redirects">The redirect documents of ids merged into the profile.</param>
/// <param name="Ids">Every id of the person: the document id, the userId, the anonymousIds, the merged ids and the redirects followed.</param>
/// <param name="Email">The <c>email</c> trait, when there is one.</param>
/// <param name="Quotes">The pain-point documents that quote the person's feedback, and the quotes that are theirs.</param>
public sealed record PersonalData(
    CustomerDocument Profile,
    IReadOnlyList<CustomerDocument> Redirects,
    IReadOnlyList<string> Ids,
    string? Email,
    IReadOnlyList<TransitionDocument> Transitions,
    IReadOnlyList<FeedbackItem> Feedback,
    IReadOnlyList<ActionDocument> Actions,
    IReadOnlyList<DeadLetterDocument> DeadLetters,
    IReadOnlyList<(PainPointDocument Document, IReadOnlyList<string> Quotes)> Quotes);

/// <summary>What an erasure removed, per container.</summary>
/// <param name="Customers">Customer documents: the profile and its redirects.</param>
/// <param name="Predictions">1 when the daily job had set predictions or a lifecycle status on the profile (they went with it).</param>
/// <param name="PainPointQuotes">Quotes of the person's feedback taken out of pain-point documents.</param>
/// <param name="Suppressions">Suppression entries added (one per distinct id and email).</param>
/// <param name="ClvTopEntries">Entries of the person taken out of the <c>clv</c> metrics documents' top-customer lists.</param>
public sealed record ErasureCounts(int Customers, int Transitions, int Feedback, int Actions, int Predictions, int DeadLetters, int PainPointQuotes, int Suppressions, int ClvTopEntries = 0);

/// <summary>
/// Erasure and export of one person (<c>DELETE /api/customers/{id}</c>, <c>GET /api/customers/{id}/export</c>):
/// finds the profile from any id as <see cref="Processing.CustomerLookup"/> does (following merge redirects),
/// then every record that carries one of the person's ids in every container.
/// </summary>
/// <remarks>
/// Erasure adds the suppression entries first (so the processor drops the person's later events from then
/// on), then deletes the dependent records, then the redirects, and the profile last: an erasure that fails
/// half way is completed by the next <c>DELETE</c>, which still finds the profile.
/// </remarks>
public sealed class CustomerErasure(
    ICustomerStore customers,
    ITransitionStore transitions,
    IActionStore actions,
    IPersonalDataStore personal,
    IMetricsStore metrics,
    SuppressionList suppressions,
    TimeProvider clock,
    ILogger<CustomerErasure> logger)
{
    private const int MaxHops = 16;

    /// <summary>Everything held about the person with this id, or null when no customer has it.</summary>
    public async Task<PersonalData?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var hops = new List<string>();
        CustomerDocument? profile = null;
        var current = id;
        for (var hop = 0; hop < MaxHops && profile is null; hop++)
        {
            var stored = await customers.GetAsync(current, cancellationToken);
            if (stored is null) return null;
            if (!stored.Document.IsRedirect) profile = stored.Document;
            else
            {
                hops.Add(current);
                current = stored.Document.MergedInto!;
            }
        }
        if (profile is null) return null;

        var ids = Processing.PersonIds.Of(profile);
        ids.UnionWith(hops);

        var redirects = new List<CustomerDocument>();
        foreach (var other in ids.Where(i => i != profile.Id))
        {
            var stored = await customers.GetAsync(other, cancellationToken);
            if (stored is { Document.IsRedirect: true }) redirects.Add(stored.Document);
        }

        var personTransitions = new List<TransitionDocument>();
        var personActions = new List<ActionDocument>();
        foreach (var customerId in ids)
        {
            personTransitions.AddRange(await transitions.ListAsync(customerId, cancellationToken));
            personActions.AddRange(await actions.ListByCustomerAsync(customerId, cancellationToken));
        }

        var email = SuppressionList.EmailOf(profile.Traits);
        var feedback = await personal.ListFeedbackByCustomersAsync([.. ids], cancellationToken);
        var needles = email is null ? ids.ToList() : [.. ids, email];
        var letters = (await personal.FindDeadLettersAsync(needles, cancellationToken)).Where(l => Mentions(l, ids, email)).ToList();
        var quotes = await QuotesOfAsync(feedback, cancellationToken);
        return new PersonalData(profile, redirects, [.. ids], email, personTransitions, feedback, personActions, letters, quotes);
    }

    /// <summary>Erases the person with this id everywhere and suppresses their ids; null when no customer has it (a second erasure finds none).</summary>
    public async Task<ErasureCounts?> EraseAsync(string id, CancellationToken cancellationToken)
    {
        var data = await FindAsync(id, cancellationToken);
        if (data is null) return null;

        var values = data.Ids.Select(i => (SuppressionKinds.Id, i)).ToList();
        if (data.Email is { } email) values.Add((SuppressionKinds.Email, email));
        var entries = await suppressions.AddAsync(values, cancellationToken);

        foreach (var customerId in data.Ids)
        {
            await transitions.DeleteAllAsync(customerId, cancellationToken);
            await actions.DeleteCustomerAsync(customerId, cancellationToken);
        }
        var feedback = await personal.DeleteFeedbackAsync(data.Feedback, cancellationToken);
        var letters = await personal.DeleteDeadLettersAsync(data.DeadLetters, cancellationToken);
        var quotes = 0;
        foreach (var (document, theirs) in data.Quotes)
        {
            await personal.ReplacePainPointAsync(WithoutQuotes(document, theirs), cancellationToken);
            quotes += theirs.Count;
        }

        var topEntries = await ScrubClvTopListsAsync(data.Ids, cancellationToken);

        var deleted = 0;
        foreach (var redirect in data.Redirects)
        {
            if (await customers.DeleteAsync(redirect.Id, cancellationToken)) deleted++;
        }
        if (await customers.DeleteAsync(data.Profile.Id, cancellationToken)) deleted++;

        var predictions = data.Profile.Predictions is not null || data.Profile.Lifecycle.Status is not null ? 1 : 0;
        var counts = new ErasureCounts(deleted, data.Transitions.Count, feedback, data.Actions.Count, predictions, letters, quotes, entries.Count, topEntries);
        logger.Erased(counts.Customers, counts.Transitions, counts.Feedback, counts.Actions, counts.Predictions, counts.DeadLetters, counts.PainPointQuotes, counts.Suppressions);
        return counts;
    }

    /// <summary>
    /// Takes the person out of the top-customer lists of every <c>clv</c> metrics document (one partition in
    /// Cosmos DB: a document per as-of date); the aggregates beside them stay as they were computed.
    /// </summary>
    private async Task<int> ScrubClvTopListsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var set = new HashSet<string>(ids, StringComparer.Ordinal);
        var removed = 0;
        foreach (var document in await metrics.ListSeriesAsync(MetricKinds.Clv, "0001-01-01", "9999-12-31", cancellationToken))
        {
            if (ClvTopList.Without(document.Data, set) is not { } scrubbed) continue;
            document.Data = scrubbed.Data;
            await metrics.UpsertAsync(document, cancellationToken);
            removed += scrubbed.Removed;
        }
        return removed;
    }

    /// <summary>Everything held about the person as one JSON document, or null when no customer has the id.</summary>
    public async Task<JsonObject?> ExportAsync(string id, CancellationToken cancellationToken)
    {
        var data = await FindAsync(id, cancellationToken);
        if (data is null) return null;
        await suppressions.EnsureFreshAsync(cancellationToken);
        var profile = data.Profile;
        var export = new JsonObject
        {
            ["exportedAt"] = clock.GetUtcNow(),
            ["id"] = id,
            ["customerId"] = profile.Id,
            ["ids"] = new JsonObject
            {
                ["userId"] = profile.UserId,
                ["anonymousIds"] = new JsonArray([.. profile.AnonymousIds.Select(i => JsonValue.Create(i))]),
                ["mergedIds"] = new JsonArray([.. profile.MergedIds.Select(i => JsonValue.Create(i))]),
                ["all"] = new JsonArray([.. data.Ids.Select(i => JsonValue.Create(i))]),
            },
            ["email"] = data.Email,
            ["customer"] = ToNode(profile),
            ["predictions"] = ToNode(profile.Predictions),
            ["redirects"] = ToArray(data.Redirects),
            ["transitions"] = ToArray(data.Transitions),
            ["feedback"] = ToArray(data.Feedback),
            ["actions"] = ToArray(data.Actions),
            ["deadLetters"] = ToArray(data.DeadLetters),
            ["painPointQuotes"] = new JsonArray([.. data.Quotes.SelectMany(q => q.Quotes.Select(text => (JsonNode)new JsonObject
            {
                ["painPointId"] = q.Document.Id,
                ["period"] = q.Document.Period,
                ["label"] = q.Document.Label,
                ["quote"] = text,
            }))]),
            ["suppression"] = new JsonObject
            {
                ["suppressed"] = data.Ids.Any(i => suppressions.IsSuppressed(SuppressionKinds.Id, i)),
                ["emailSuppressed"] = data.Email is { } e && suppressions.IsSuppressed(SuppressionKinds.Email, e),
            },
        };
        logger.Exported(data.Transitions.Count, data.Feedback.Count, data.Actions.Count);
        return export;
    }

    private static JsonNode? ToNode<T>(T value) => value is null ? null : JsonSerializer.SerializeToNode(value, JourneyJson.Options);

    /// <summary>Each element with its own (source-generated) contract: the serializer knows the documents, not every list of them.</summary>
    private static JsonArray ToArray<T>(IEnumerable<T> values) => new([.. values.Select(v => ToNode(v))]);

    /// <summary>The pain points that quote the person's feedback (a quote is the text, cut as <see cref="PainPointAnalysis.Quote"/> cuts it).</summary>
    private async Task<List<(PainPointDocument, IReadOnlyList<string>)>> QuotesOfAsync(IReadOnlyList<FeedbackItem> feedback, CancellationToken cancellationToken)
    {
        var texts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in feedback)
        {
            if (string.IsNullOrWhiteSpace(item.Text)) continue;
            texts.Add(item.Text);
            texts.Add(PainPointAnalysis.Quote(item.Text));
        }
        if (texts.Count == 0) return [];
        var documents = await personal.FindPainPointsQuotingAsync([.. texts], cancellationToken);
        var result = new List<(PainPointDocument, IReadOnlyList<string>)>();
        foreach (var document in documents)
        {
            var theirs = document.Quotes.Where(texts.Contains).ToList();
            if (theirs.Count > 0) result.Add((document, theirs));
        }
        return result;
    }

    private static PainPointDocument WithoutQuotes(PainPointDocument document, IReadOnlyList<string> theirs)
    {
        var node = JsonSerializer.SerializeToNode(document, JourneyJson.Options)!.AsObject();
        node["quotes"] = new JsonArray([.. document.Quotes.Where(q => !theirs.Contains(q, StringComparer.Ordinal)).Select(q => JsonValue.Create(q))]);
        return node.Deserialize<PainPointDocument>(JourneyJson.Options) ?? throw new JsonException("A null pain-point document.");
    }

    /// <summary>
    /// Whether a dead letter is the person's: its customer id is one of theirs, or its raw payload (JSON) has one of
    /// their ids as the value of an id property (<c>userId</c>, <c>anonymousId</c>, <c>previousId</c>, at any depth),
    /// or their email as the value of an <c>email</c> property (any case); a payload that is not JSON, when it holds
    /// one of their ids in quotes, or the email anywhere.
    /// </summary>
    internal static bool Mentions(DeadLetterDocument letter, IReadOnlySet<string> ids, string? email)
    {
        if (letter.CustomerId is not null && ids.Contains(letter.CustomerId)) return true;
        try
        {
            using var json = JsonDocument.Parse(letter.RawPayload);
            return HoldsValue(json.RootElement, ids, email);
        }
        catch (JsonException)
        {
            return ids.Any(i => letter.RawPayload.Contains($"\"{i}\"", StringComparison.Ordinal))
                || (email is not null && letter.RawPayload.Contains(email.Trim(), StringComparison.OrdinalIgnoreCase));
        }
    }

    private static readonly string[] IdProperties = ["userId", "anonymousId", "previousId", "user_id", "anonymous_id", "previous_id"];

    private static bool HoldsValue(JsonElement element, IReadOnlySet<string> ids, string? email) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p => IsTheirs(p, ids, email) || HoldsValue(p.Value, ids, email)),
        JsonValueKind.Array => element.EnumerateArray().Any(v => HoldsValue(v, ids, email)),
        _ => false,
    };

    private static bool IsTheirs(JsonProperty property, IReadOnlySet<string> ids, string? email)
    {
        if (property.Value.ValueKind != JsonValueKind.String) return false;
        var value = property.Value.GetString()!;
        if (IdProperties.Contains(property.Name, StringComparer.Ordinal)) return ids.Contains(value);
        return email is not null
            && property.Name.Equals("email", StringComparison.OrdinalIgnoreCase)
            && value.Trim().Equals(email.Trim(), StringComparison.OrdinalIgnoreCase);
    }
}
