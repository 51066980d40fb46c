using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace Journey.Application.Actions;

/// <summary>What one <see cref="ActionDispatcher.DispatchDueAsync"/> did.</summary>
/// <param name="Due">Due actions read.</param>
/// <param name="Sent">Actions every accepting destination is done with (delivered or skipped), or that no destination accepts (marked skipped).</param>
/// <param name="Failed">Actions marked failed: the last attempt was used, or every destination still owed gave up.</param>
/// <param name="Retrying">Actions left pending with a next attempt time.</param>
/// <param name="HeldOut">Actions of the control group, marked held out and not delivered.</param>
/// <param name="Conflicts">Actions another dispatcher changed first (this one's outcome is dropped).</param>
/// <param name="Deliveries">Deliveries made (one action to one destination).</param>
/// <param name="DeliveryFailures">Deliveries that failed (retryable or not), timeouts and exceptions included.</param>
/// <param name="MoreDue">The batch was full: more actions may be due, call again.</param>
/// <param name="Cancelled">Actions whose reason fell away before delivery (<see cref="ActionRelease"/>).</param>
/// <param name="Postponed">Actions not yet to be delivered (a cart still in use), due again later.</param>
public sealed record DispatchSummary(
    int Due, int Sent, int Failed, int Retrying, int HeldOut, int Conflicts, int Deliveries, int DeliveryFailures, bool MoreDue, int Cancelled = 0, int Postponed = 0);

/// <summary>
/// The outbox dispatcher: delivers due actions to every destination that accepts their type, at least
/// once (the action id is the idempotency key receivers can use), with exponential backoff.
/// </summary>
/// <remarks>
/// <para>Per action, the destinations still owed a delivery run concurrently, each bounded by
/// <see cref="ActionsOptions.DeliveryTimeout"/>: a failing, throwing or slow destination never blocks the
/// others, and one that delivered (or skipped on purpose, or gave up) is not tried again.</para>
/// <para>The outcome is written back with the ETag read: when another dispatcher changed the action
/// first, this one's outcome is dropped (its deliveries may then happen twice: at least once).</para>
/// <para>An action no destination accepts is marked <see cref="ActionStatuses.Skipped"/> (a dry run with
/// <c>Actions:RecordWithoutDestination</c>, or a type every destination filters out): there is nothing to deliver.</para>
/// </remarks>
public sealed class ActionDispatcher
{
    private readonly IActionStore _store;
    private readonly IReadOnlyList<IActionDestination> _destinations;
    private readonly ActionsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ActionDispatcher> _logger;
    private readonly IActionRelease? _release;

    /// <param name="release">The check a due action passes before delivery (null: every due action is delivered as stored).</param>
    public ActionDispatcher(
        IActionStore store, IEnumerable<IActionDestination> destinations, ActionsOptions options, TimeProvider clock, ILogger<ActionDispatcher> logger, IActionRelease? release = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        _destinations = [.. destinations];
        var duplicate = _destinations.GroupBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two action destinations are named '{duplicate.Key}'; names must be unique.", nameof(destinations));
        _store = store;
        _options = options;
        _clock = clock;
        _logger = logger;
        _release = release;
    }

    /// <summary>Reads up to <see cref="ActionsOptions.DispatchBatchSize"/> due actions and delivers them.</summary>
    public async Task<DispatchSummary> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var due = await _store.DueAsync(now, _options.DispatchBatchSize, cancellationToken).ConfigureAwait(false);
        var counts = new Counts();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelActions, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(due, parallel, async (versioned, ct) => await DispatchAsync(versioned, counts, ct).ConfigureAwait(false)).ConfigureAwait(false);
        var summary = new DispatchSummary(
            due.Count, counts.Sent, counts.Failed, counts.Retrying, counts.HeldOut, counts.Conflicts, counts.Deliveries, counts.DeliveryFailures,
            due.Count >= _options.DispatchBatchSize, counts.Cancelled, counts.Postponed);
        if (due.Count > 0) _logger.Dispatched(summary.Due, summary.Sent, summary.Failed, summary.Retrying, summary.HeldOut, summary.Cancelled, summary.Postponed, summary.Conflicts);
        return summary;
    }

    private async Task DispatchAsync(Versioned<ActionDocument> versioned, Counts counts, CancellationToken cancellationToken)
    {
        var action = versioned.Document;
        if (action.Holdout)
        {
            action.Status = ActionStatuses.Holdout;
            action.NextAttemptAt = null;
            if (await TryReplaceAsync(action, versioned.ETag, cancellationToken).ConfigureAwait(false)) Interlocked.Increment(ref counts.HeldOut);
            else Interlocked.Increment(ref counts.Conflicts);
            return;
        }

        if (_release is not null && await ReleaseAsync(versioned, counts, cancellationToken).ConfigureAwait(false) is not ReleaseKind.Deliver) return;

        var owed = _destinations.Where(d => d.Accepts(action.ActionType) && IsOwed(action, d.Name)).ToList();
        if (owed.Count > 0)
        {
            action.Attempts++;
            var outcomes = await Task.WhenAll(owed.Select(d => DeliverAsync(d, action, cancellationToken))).ConfigureAwait(false);
            var errors = new List<string>();
            for (var i = 0; i < owed.Count; i++)
            {
                var name = owed[i].Name;
                var (outcome, at) = outcomes[i];
                if (!action.Deliveries.TryGetValue(name, out var delivery))
                {
                    delivery = new DestinationDelivery();
                    action.Deliveries[name] = delivery;
                }
                delivery.Attempts++;
                if (outcome.Delivered)
                {
                    delivery.Status = ActionStatuses.Sent;
                    delivery.DeliveredAt = at;
                    delivery.LastError = null;
                    Interlocked.Increment(ref counts.Deliveries);
                }
                else if (outcome.Skipped)
                {
                    delivery.Status = ActionStatuses.Skipped;
                    delivery.LastError = outcome.Error;
                }
                else
                {
                    delivery.Status = outcome.Permanent ? ActionStatuses.Failed : ActionStatuses.Pending;
                    delivery.LastError = outcome.Error ?? "failed";
                    errors.Add($"{name}: {delivery.LastError}");
                    Interlocked.Increment(ref counts.DeliveryFailures);
                }
            }
            if (errors.Count > 0) action.LastError = string.Join("; ", errors);
        }

        var stillOwed = _destinations.Where(d => d.Accepts(action.ActionType) && IsOwed(action, d.Name)).Select(d => d.Name).ToList();
        if (!_destinations.Any(d => d.Accepts(action.ActionType)))
        {
            action.Status = ActionStatuses.Skipped;
            action.NextAttemptAt = null;
            action.LastError = "no destination takes this action type";
        }
        else if (stillOwed.Count == 0)
        {
            var anyFailed = _destinations.Any(d => d.Accepts(action.ActionType) && action.Deliveries.TryGetValue(d.Name, out var dd) && dd.Status == ActionStatuses.Failed);
            action.Status = anyFailed ? ActionStatuses.Failed : ActionStatuses.Sent;
            action.NextAttemptAt = null;
        }
        else if (action.Attempts >= _options.MaxAttempts)
        {
            foreach (var name in stillOwed) action.Deliveries[name].Status = ActionStatuses.Failed;
            action.Status = ActionStatuses.Failed;
            action.NextAttemptAt = null;
        }
        else
        {
            action.Status = ActionStatuses.Pending;
            action.NextAttemptAt = _clock.GetUtcNow() + _options.RetryDelay(action.Id, action.Attempts);
        }

        if (await TryReplaceAsync(action, versioned.ETag, cancellationToken).ConfigureAwait(false))
        {
            if (action.Status is ActionStatuses.Sent or ActionStatuses.Skipped) Interlocked.Increment(ref counts.Sent);
            else if (action.Status == ActionStatuses.Failed) Interlocked.Increment(ref counts.Failed);
            else Interlocked.Increment(ref counts.Retrying);
            if (action.Status == ActionStatuses.Failed) _logger.ActionFailed(action.Id, action.ActionType, action.Attempts);
        }
        else
        {
            Interlocked.Increment(ref counts.Conflicts);
        }
    }

    /// <summary>
    /// The release check: a cancelled action is marked so, a postponed one gets its next attempt time (no
    /// attempt used), and either is written back; a deliverable one comes back refreshed. A check that
    /// throws (the customer store is down) postpones the action by the first retry delay.
    /// </summary>
    private async Task<ReleaseKind> ReleaseAsync(Versioned<ActionDocument> versioned, Counts counts, CancellationToken cancellationToken)
    {
        var action = versioned.Document;
        ReleaseDecision decision;
        try
        {
            decision = await _release!.DecideAsync(action, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.ReleaseCheckFailed(action.Id, ex.GetType().Name, ex.Message);
            decision = new ReleaseDecision(ReleaseKind.Postpone, _clock.GetUtcNow() + _options.FirstRetryDelay);
        }
        if (decision.Kind == ReleaseKind.Deliver) return ReleaseKind.Deliver;
        if (decision.Kind == ReleaseKind.Cancel)
        {
            action.Status = ActionStatuses.Cancelled;
            action.NextAttemptAt = null;
            action.LastError = decision.Reason;
        }
        else
        {
            action.NextAttemptAt = decision.Until;
        }
        if (await TryReplaceAsync(action, versioned.ETag, cancellationToken).ConfigureAwait(false))
            Interlocked.Increment(ref decision.Kind == ReleaseKind.Cancel ? ref counts.Cancelled : ref counts.Postponed);
        else
            Interlocked.Increment(ref counts.Conflicts);
        return decision.Kind;
    }

    private static bool IsOwed(ActionDocument action, string destination) =>
        !action.Deliveries.TryGetValue(destination, out var delivery) || delivery.Status == ActionStatuses.Pending;

    /// <summary>One delivery and when it ended, bounded by the timeout; an exception or a timeout is a failure to retry.</summary>
    private async Task<(DeliveryOutcome Outcome, DateTimeOffset At)> DeliverAsync(IActionDestination destination, ActionDocument action, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.DeliveryTimeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        // Task.Run keeps a destination that blocks before its first await from holding up the others;
        // WaitAsync bounds one that ignores its token too.
        var delivery = Task.Run(() => destination.DeliverAsync(action, linked.Token), linked.Token);
        DeliveryOutcome outcome;
        try
        {
            outcome = await delivery.WaitAsync(_options.DeliveryTimeout, _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // A delivery that finished as the timeout fired counts as it went.
            outcome = delivery.IsCompletedSuccessfully
                ? await delivery.ConfigureAwait(false)
                : DeliveryOutcome.Retry($"timed out after {_options.DeliveryTimeout}");
        }
        catch (Exception ex)
        {
            // A destination's failure, whatever it is, must not stop the other destinations: it is retried.
            _logger.DeliveryThrew(destination.Name, ex.GetType().Name, action.Id, action.ActionType, action.Attempts);
            return (DeliveryOutcome.Retry($"{ex.GetType().Name}: {ex.Message}"), _clock.GetUtcNow());
        }
        if (!outcome.Delivered && !outcome.Skipped)
            _logger.DeliveryFailed(destination.Name, action.Id, action.ActionType, action.Attempts, outcome.Permanent ? "given up" : "retried");
        return (outcome, _clock.GetUtcNow());
    }

    private async Task<bool> TryReplaceAsync(ActionDocument action, string etag, CancellationToken cancellationToken)
    {
        try
        {
            await _store.ReplaceAsync(action, etag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConcurrencyConflictException)
        {
            _logger.ActionConflict(action.Id);
            return false;
        }
    }

    private sealed class Counts
    {
        public int Sent;
        public int Failed;
        public int Retrying;
        public int HeldOut;
        public int Conflicts;
        public int Deliveries;
        public int DeliveryFailures;
        public int Cancelled;
        public int Postponed;
    }
}
