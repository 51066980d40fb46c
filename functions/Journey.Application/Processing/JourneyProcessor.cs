using Journey.Domain.Processing;
using System.Text;
using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Journey.Domain.Stages;
using Journey.Domain.Telemetry;
using Microsoft.Extensions.Logging;

namespace Journey.Application.Processing;

/// <summary>
/// Applies a batch of stream records to the customer documents: reads each record (unreadable
/// ones go to the dead letters), keeps bots out, stitches identities, groups the events by
/// customer and writes each customer once per batch with optimistic concurrency.
/// </summary>
public sealed class JourneyProcessor : IJourneyProcessor
{
    private const int MaxConflictRetries = 20;
    private const int MaxConcurrentCustomers = 16;

    private readonly ICustomerStore _customers;
    private readonly ITransitionStore _transitions;
    private readonly IDeadLetterStore _deadLetters;
    private readonly TimeProvider _clock;
    private readonly ILogger<JourneyProcessor> _logger;
    private readonly JourneyRulesOptions _options;
    private readonly CustomerUpdate _update;
    private readonly IdentityStitcher _identity;

    public JourneyProcessor(
        ICustomerStore customers,
        ITransitionStore transitions,
        IDeadLetterStore deadLetters,
        JourneyRulesOptions options,
        TimeProvider clock,
        ILogger<JourneyProcessor> logger)
    {
        // The processor's own reads go through a cache of the documents it wrote last.
        _customers = new CachedCustomerStore(customers);
        _transitions = transitions;
        _deadLetters = deadLetters;
        _options = options;
        _clock = clock;
        _logger = logger;
        _update = new CustomerUpdate(new JourneyFold(options), options);
        _identity = new IdentityStitcher(_customers, transitions, _update, WriteTransitionsAsync, clock, logger);
    }

    public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
    {
        var counts = new Counts();
        var events = new List<PositionedEvent>(batch.Count);
        foreach (var record in batch)
        {
            var read = Read(record);
            if (read.Error is not null)
            {
                await DeadLetterAsync(record, read.Error, read.Event, cancellationToken);
                counts.DeadLettered++;
                continue;
            }
            if (read.Event!.IsBot)
            {
                counts.Bots++;
                continue;
            }
            events.Add(read.Positioned!);
        }

        foreach (var link in IdentityLinks(events))
        {
            try
            {
                await _identity.LinkAsync(link.Source, link.Target, link.AllowUserMerge, cancellationToken);
            }
            catch (Exception ex) when (ex is not StoreUnavailableException and not OperationCanceledException and not TimeoutException)
            {
                // A link that can never succeed (say, an id the store cannot hold) must not stop the partition;
                // the events that carry it are applied, or dead-lettered, with their group below.
                _logger.LogError(ex, "Could not link {Source} to {Target}; the profiles stay apart", link.Source, link.Target);
            }
        }

        // Customers are independent: their writes go out together, so the store can commit them as a group.
        var groups = events.GroupBy(e => e.Event.ProfileKey, StringComparer.Ordinal).Select(g => (Key: g.Key, Events: g.ToList())).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentCustomers, CancellationToken = cancellationToken }, async (group, ct) =>
        {
            try
            {
                await ApplyAsync(group.Key, group.Events, counts, ct);
            }
            catch (Exception ex) when (ex is not StoreUnavailableException and not OperationCanceledException and not TimeoutException)
            {
                _logger.LogError(ex, "Events of profile {ProfileKey} could not be applied; {Count} events go to the dead letters", group.Key, group.Events.Count);
                foreach (var pe in group.Events)
                {
                    await DeadLetterAsync(pe.Record, $"could not be applied: {ex.GetType().Name}: {ex.Message}", pe.Event, ct);
                    counts.Add(ref counts.DeadLettered, 1);
                }
            }
        });

        var result = new BatchResult(batch.Count, counts.Applied, counts.Duplicates, counts.DeadLettered, counts.Bots, counts.CustomerWrites, counts.TransitionWrites);
        JourneyMetrics.Processed(result, batch.Count > 0 ? _clock.GetUtcNow() - batch.Min(r => r.EnqueuedAt) : null);
        return result;
    }

    private async Task ApplyAsync(string profileKey, List<PositionedEvent> events, Counts counts, CancellationToken ct)
    {
        var (id, stored) = await _identity.FindAsync(profileKey, ct);
        for (var attempt = 0; ; attempt++)
        {
            // A retry resolves and reads afresh: the document may have been merged away or changed.
            if (attempt > 0) (id, stored) = await _identity.FindAsync(id, ct);
            var doc = stored?.Document ?? CustomerUpdate.NewProfile(id);
            var added = _update.AddEvents(doc, events);
            if (added == 0)
            {
                counts.Add(ref counts.Duplicates, events.Count);
                return;
            }

            var previous = doc.Journey.Transitions.ToDictionary(t => t.To);
            var state = _update.Refold(doc, _clock.GetUtcNow());
            counts.Add(ref counts.TransitionWrites, await WriteTransitionsAsync(doc, state, previous, ct));
            try
            {
                if (stored is null) await _customers.CreateAsync(doc, ct);
                else await _customers.ReplaceAsync(doc, stored.ETag, ct);
                counts.Add(ref counts.Applied, added);
                counts.Add(ref counts.Duplicates, events.Count - added);
                counts.Add(ref counts.CustomerWrites, 1);
                return;
            }
            catch (ConcurrencyConflictException ex)
            {
                // Losing the race this often is contention, not a bad event: fail the batch so it is retried.
                if (attempt >= MaxConflictRetries)
                    throw new StoreUnavailableException($"Customer {id} kept changing under concurrent writers ({attempt + 1} attempts).", ex);
                _logger.LogDebug("Concurrent update of customer {CustomerId}; retrying (attempt {Attempt})", id, attempt + 1);
            }
        }
    }

    /// <summary>Writes the transition documents that are new or changed, before the customer document that records them.</summary>
    private async Task<int> WriteTransitionsAsync(CustomerDocument doc, FoldState state, IReadOnlyDictionary<Stage, TransitionSummary> previous, CancellationToken ct)
    {
        var all = CustomerProjection.Transitions(doc, state);
        var changed = all.Where(t => !previous.TryGetValue(t.To, out var p) || p != new TransitionSummary(t.From, t.To, t.At, t.TriggerMessageId)).ToList();
        doc.Journey.Transitions = [.. state.Transitions.Select(t => t.Summary)];
        if (changed.Count > 0) await _transitions.UpsertAsync(changed, ct);
        return changed.Count;
    }

    private static IEnumerable<(string Source, string Target, bool AllowUserMerge)> IdentityLinks(List<PositionedEvent> events)
    {
        var seen = new HashSet<(string, string)>();
        foreach (var pe in events.OrderBy(e => e.Event.Timestamp))
        {
            var e = pe.Event;
            if (e.Type == MessageType.Alias && e.PreviousId is not null && e.UserId is not null && e.PreviousId != e.UserId)
            {
                if (seen.Add((e.PreviousId, e.UserId))) yield return (e.PreviousId, e.UserId, true);
            }
            if (e.UserId is not null && e.AnonymousId is not null && e.UserId != e.AnonymousId)
            {
                if (seen.Add((e.AnonymousId, e.UserId))) yield return (e.AnonymousId, e.UserId, false);
            }
        }
    }

    private (PositionedEvent? Positioned, JourneyEvent? Event, string? Error) Read(StreamRecord record)
    {
        JourneyEvent e;
        try
        {
            e = JourneyJson.Deserialize<JourneyEvent>(record.Body.Span);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return (null, null, $"unreadable event: {ex.Message}");
        }
        if (string.IsNullOrWhiteSpace(e.UserId) && string.IsNullOrWhiteSpace(e.AnonymousId))
            return (null, e, "the event has neither userId nor anonymousId");
        if (string.IsNullOrWhiteSpace(e.MessageId))
            return (null, e, "the event has no messageId");
        try
        {
            return (new PositionedEvent(e, TimelineEntries.From(e, _options) with { S = record.SequenceNumber }, record), e, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, e, $"could not be read into the journey: {ex.Message}");
        }
    }

    private async Task DeadLetterAsync(StreamRecord record, string reason, JourneyEvent? e, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        _logger.LogWarning("Dead-lettering event at {Partition}/{SequenceNumber}: {Reason}", record.Partition, record.SequenceNumber, reason);
        await _deadLetters.AddAsync(new DeadLetterDocument
        {
            Id = DeadLetterDocument.IdFor(record.Partition, record.SequenceNumber),
            Day = TimelineEntries.Day(now),
            Reason = reason,
            Partition = record.Partition,
            SequenceNumber = record.SequenceNumber,
            MessageId = e?.MessageId,
            CustomerId = e?.UserId ?? e?.AnonymousId,
            RawPayload = Encoding.UTF8.GetString(record.Body.Span),
            At = now,
        }, ct);
    }

    private sealed class Counts
    {
        public int Applied;
        public int Duplicates;
        public int DeadLettered;
        public int Bots;
        public int CustomerWrites;
        public int TransitionWrites;

        public void Add(ref int counter, int value) => Interlocked.Add(ref counter, value);
    }
}
