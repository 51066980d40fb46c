using Journey.Application.Privacy;
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
/// customer and writes each customer once per batch through the <see cref="CustomerWriter"/>; the
/// <see cref="ICustomerChangeStep"/>s (feedback capture, action rules) run on what a write adds first.
/// </summary>
/// <remarks>
/// Failures are classified once, here. Events go to the dead letters only when they can never be
/// applied: a record that cannot be read, events whose journey cannot be folded
/// (<see cref="EventsNotApplicableException"/>), or a document the store refuses for its content
/// (<see cref="DocumentRejectedException"/>). Any other failure, of the store or unexpected, fails the
/// whole batch, so that it is delivered again (the Event Hubs trigger's retry policy, the local
/// dispatcher's backoff); applying a batch again changes nothing that was applied.
/// </remarks>
public sealed class JourneyProcessor(
    IdentityStitcher identity,
    CustomerWriter writer,
    CustomerUpdate update,
    IDeadLetterStore deadLetters,
    JourneyRulesOptions options,
    TimeProvider clock,
    ILogger<JourneyProcessor> logger,
    IEnumerable<ICustomerChangeStep> steps,
    SuppressionList? suppressions = null) : IJourneyProcessor
{
    private const int MaxConflictRetries = 20;
    private const int MaxConcurrentCustomers = 16;
    private readonly ICustomerChangeStep[] _steps = [.. steps];

    public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var counts = new Counts();
        var events = new List<PositionedEvent>(batch.Count);
        if (suppressions is not null) await suppressions.EnsureFreshAsync(cancellationToken);
        foreach (var record in batch)
        {
            var read = Read(record);
            // An erased person's events are dropped before anything is written, dead letters included.
            if (suppressions is not null && (read.Event is not null ? suppressions.IsSuppressed(read.Event) : suppressions.IsSuppressed(record.Body.Span)))
            {
                counts.Suppressed++;
                continue;
            }
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
                await identity.LinkAsync(link.Source, link.Target, link.AllowUserMerge, cancellationToken);
            }
            catch (Exception ex) when (IsPermanent(ex))
            {
                // A link that can never succeed (an id the store cannot hold, say) must not stop the partition;
                // the events that carry it are applied, or dead-lettered, with their group below.
                logger.LinkFailed(ex, link.Source, link.Target);
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
            catch (Exception ex) when (IsPermanent(ex))
            {
                logger.EventsNotApplicable(ex, group.Key, group.Events.Count);
                foreach (var pe in group.Events)
                {
                    await DeadLetterAsync(pe.Record, $"could not be applied: {ex.Message}", pe.Event, ct);
                    Counts.Add(ref counts.DeadLettered, 1);
                }
            }
        });

        if (counts.Suppressed > 0)
        {
            suppressions!.CountDropped(counts.Suppressed);
            logger.EventsSuppressed(counts.Suppressed);
        }
        var result = new BatchResult(batch.Count, counts.Applied, counts.Duplicates, counts.DeadLettered, counts.Bots, counts.CustomerWrites, counts.TransitionWrites, counts.Suppressed);
        JourneyMetrics.Processed(result, batch.Count > 0 ? clock.GetUtcNow() - batch.Min(r => r.EnqueuedAt) : null);
        return result;
    }

    /// <summary>Failures that no retry can cure: the events concerned go to the dead letters.</summary>
    private static bool IsPermanent(Exception ex) => ex is EventsNotApplicableException or DocumentRejectedException;

    private async Task ApplyAsync(string profileKey, List<PositionedEvent> events, Counts counts, CancellationToken ct)
    {
        var (id, stored) = await identity.FindAsync(profileKey, ct);
        // The steps see the events each attempt adds (see ICustomerChangeStep), when one of them is concerned.
        ICustomerChangeStep[] concerned = [];
        if (_steps.Length > 0)
        {
            var plain = events.ConvertAll(e => e.Event);
            concerned = [.. _steps.Where(s => s.Concerns(plain))];
        }
        var addedEvents = concerned.Length > 0 ? new List<PositionedEvent>(events.Count) : null;
        for (var attempt = 0; ; attempt++)
        {
            // A retry resolves and reads afresh: the document may have been merged away or changed.
            if (attempt > 0) (id, stored) = await identity.FindAsync(id, ct);
            var doc = stored?.Document ?? CustomerUpdate.NewProfile(id);
            var stagesBefore = addedEvents is null ? null : new Dictionary<Stage, DateTimeOffset>(doc.StageReachedAt);
            int added;
            addedEvents?.Clear();
            try
            {
                added = update.AddEvents(doc, events, addedEvents);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new EventsNotApplicableException($"the events cannot be added to customer {id}: {ex.GetType().Name}: {ex.Message}", ex);
            }
            if (added == 0)
            {
                // Every event is applied already: a batch delivered again. Its first delivery may have
                // stopped between the document and its transitions.
                if (stored is not null) Counts.Add(ref counts.TransitionWrites, await writer.ReconcileAsync(stored, ct));
                Counts.Add(ref counts.Duplicates, events.Count);
                return;
            }

            try
            {
                var write = await writer.WriteAsync(doc, stored, someKnown: added < events.Count, ct, BeforeWrite(concerned, addedEvents, stagesBefore));
                Counts.Add(ref counts.Applied, added);
                Counts.Add(ref counts.Duplicates, events.Count - added);
                Counts.Add(ref counts.CustomerWrites, 1);
                Counts.Add(ref counts.TransitionWrites, write.TransitionWrites);
                return;
            }
            catch (ConcurrencyConflictException ex)
            {
                // Losing the race this often is contention, not a bad event: fail the batch so it is retried.
                if (attempt >= MaxConflictRetries)
                    throw new StoreUnavailableException($"Customer {id} kept changing under concurrent writers ({attempt + 1} attempts).", ex);
                logger.CustomerConflictRetry(id, attempt + 1);
            }
        }
    }

    /// <summary>
    /// Runs the concerned steps on what the write adds, after the refold (the stage at each event's time
    /// includes it) and before the document is written: a redelivery that finds the events applied would
    /// not run them again.
    /// </summary>
    private static Func<CustomerDocument, CancellationToken, Task>? BeforeWrite(ICustomerChangeStep[] concerned, List<PositionedEvent>? addedEvents, Dictionary<Stage, DateTimeOffset>? stagesBefore)
    {
        if (addedEvents is null || addedEvents.Count == 0 || stagesBefore is null) return null;
        var added = addedEvents.ConvertAll(e => e.Event);
        return async (doc, ct) =>
        {
            var change = new CustomerChange(doc, added, stagesBefore);
            foreach (var step in concerned) await step.ApplyAsync(change, ct);
        };
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
            return (new PositionedEvent(e, TimelineEntries.From(e, options) with { S = record.SequenceNumber }, record), e, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, e, $"could not be read into the journey: {ex.Message}");
        }
    }

    /// <summary>
    /// Writes the record to the dead letters. Its id and partition (the day the stream accepted it)
    /// come from the record, so the same record dead-lettered again, on any day, overwrites itself.
    /// </summary>
    private async Task DeadLetterAsync(StreamRecord record, string reason, JourneyEvent? e, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        logger.DeadLettering(record.Partition, record.SequenceNumber, reason);
        await deadLetters.AddAsync(new DeadLetterDocument
        {
            Id = DeadLetterDocument.IdFor(record.Partition, record.SequenceNumber),
            Day = TimelineEntries.Day(record.EnqueuedAt),
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
        public int Suppressed;
        public int CustomerWrites;
        public int TransitionWrites;

        public static void Add(ref int counter, int value) => Interlocked.Add(ref counter, value);
    }
}
