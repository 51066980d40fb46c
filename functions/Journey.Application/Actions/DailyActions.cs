using Journey.Domain.Actions;
using Journey.Domain.Metrics;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace Journey.Application.Actions;

/// <summary>
/// The daily job's part of the follow-ups: the <c>actions</c> metrics (per rule, treated against holdout,
/// see <see cref="ActionMetrics"/>) and, when actions are captured, the model-based rules on each buyer's
/// standing (at risk, win back, advocacy candidate), added to the outbox.
/// </summary>
/// <param name="capture">Whether the model-based rules add actions (only when a destination is configured, as for the processor's rules).</param>
public sealed class DailyActions(IActionStore outbox, ActionRules rules, TimeProvider clock, ILogger<DailyActions> logger, bool capture)
{
    private const int AddBatchSize = 100;
    private const int MaxActionsCounted = 5_000_000;

    /// <summary>Reads the actions of the lookback before the customer scan; feed it each customer's facts, then take its result.</summary>
    public async Task<ActionMetrics> StartMetricsAsync(DateOnly asOf, CancellationToken cancellationToken)
    {
        var metrics = new ActionMetrics(asOf, rules.Options);
        var actions = await outbox.ListAsync(null, null, metrics.Since, MaxActionsCounted, cancellationToken).ConfigureAwait(false);
        foreach (var action in actions) metrics.Add(action);
        return metrics;
    }

    /// <summary>Adds the actions the buyers' standings call for; returns how many were new.</summary>
    public async Task<int> CaptureAsync(IEnumerable<CustomerStanding> standings, DateOnly asOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(standings);
        if (!capture) return 0;
        var now = clock.GetUtcNow();
        var batch = new List<ActionDocument>(AddBatchSize);
        var added = 0;
        foreach (var standing in standings)
        {
            batch.AddRange(rules.Evaluate(standing, asOf, now));
            if (batch.Count >= AddBatchSize) added += await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        added += await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
        if (added > 0) logger.ModelActionsAdded(added, new AsOf(asOf).Text);
        return added;
    }

    private async Task<int> FlushAsync(List<ActionDocument> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return 0;
        var added = await outbox.AddAsync(batch, cancellationToken).ConfigureAwait(false);
        batch.Clear();
        return added.Count;
    }
}
