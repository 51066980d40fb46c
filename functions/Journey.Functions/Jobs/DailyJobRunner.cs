using Journey.Application.Metrics;
using Journey.Domain.Metrics;

namespace Journey.Functions.Jobs;

/// <summary>
/// Runs the daily job for every trigger (the <c>DailyMetrics</c> timer, <c>POST /api/jobs/daily</c>,
/// the local schedule and the <c>daily</c> command), one run at a time in this process: a trigger
/// that arrives while a run is going gets <see langword="null"/> (the API answers 409) rather than a
/// second scan of the store racing the first.
/// </summary>
public sealed class DailyJobRunner(DailyJob job, ILogger<DailyJobRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The summary of the last completed run in this process.</summary>
    public DailyJobSummary? LastRun { get; private set; }

    public bool IsRunning => _gate.CurrentCount == 0;

    /// <summary>Runs the job as of <paramref name="asOf"/>, or returns null at once when a run is in progress.</summary>
    public Task<DailyJobSummary?> TryRunAsync(DateOnly asOf, string trigger, IProgress<DailyJobProgress>? progress, CancellationToken cancellationToken) =>
        WhenFreeAsync(asOf, trigger, () => RunAsync(asOf, metricsOnly: false, trigger, progress, cancellationToken), cancellationToken);

    /// <summary>
    /// A backfill: the job for each of <paramref name="dates"/> (oldest first), in one hold of the gate. The
    /// last date runs first and in full (predictions, statuses and follow-ups as of it), so the latest
    /// documents are there at once and stay the latest; then the earlier dates, oldest first, write only
    /// their metrics documents. Null at once when a run is in progress; else the summaries in the order run.
    /// </summary>
    public async Task<IReadOnlyList<DailyJobSummary>?> TryRunHistoryAsync(
        IReadOnlyList<DateOnly> dates, string trigger, Action<DailyJobSummary>? done, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dates);
        if (dates.Count == 0) return [];
        return await WhenFreeAsync(dates[^1], trigger, async () =>
        {
            var summaries = new List<DailyJobSummary>(dates.Count);
            for (var i = 0; i < dates.Count; i++)
            {
                // The last date first and in full, then the earlier ones oldest first.
                var full = i == 0;
                var summary = await RunAsync(full ? dates[^1] : dates[i - 1], metricsOnly: !full, trigger, progress: null, cancellationToken);
                summaries.Add(summary);
                done?.Invoke(summary);
            }
            return (IReadOnlyList<DailyJobSummary>)summaries;
        }, cancellationToken);
    }

    /// <summary>One run of the job; a full run becomes <see cref="LastRun"/>.</summary>
    private async Task<DailyJobSummary> RunAsync(DateOnly asOf, bool metricsOnly, string trigger, IProgress<DailyJobProgress>? progress, CancellationToken cancellationToken)
    {
        logger.DailyJobTriggered(new AsOf(asOf).Text, trigger);
        var summary = await job.RunAsync(asOf, metricsOnly, progress, cancellationToken);
        if (!metricsOnly) LastRun = summary;
        return summary;
    }

    /// <summary><paramref name="run"/> while holding the gate, or null at once when another run holds it.</summary>
    private async Task<T?> WhenFreeAsync<T>(DateOnly asOf, string trigger, Func<Task<T>> run, CancellationToken cancellationToken)
        where T : class
    {
        if (!await _gate.WaitAsync(0, cancellationToken))
        {
            logger.DailyJobAlreadyRunning(new AsOf(asOf).Text, trigger);
            return null;
        }
        try
        {
            return await run();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The dates of a backfill from <paramref name="since"/> to <paramref name="until"/>: every
    /// <paramref name="every"/> days counted back from <paramref name="until"/> (so the last period ends on it), oldest first.
    /// </summary>
    public static IReadOnlyList<DateOnly> HistoryDates(DateOnly since, DateOnly until, int every)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(since, until);
        var dates = new List<DateOnly>();
        for (var d = until; d >= since; d = d.AddDays(-every)) dates.Add(d);
        dates.Reverse();
        return dates;
    }

    public void Dispose() => _gate.Dispose();
}
