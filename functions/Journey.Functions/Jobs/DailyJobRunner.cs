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
    public async Task<DailyJobSummary?> TryRunAsync(DateOnly asOf, string trigger, IProgress<DailyJobProgress>? progress, CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(0, cancellationToken))
        {
            logger.DailyJobAlreadyRunning(new AsOf(asOf).Text, trigger);
            return null;
        }
        try
        {
            logger.DailyJobTriggered(new AsOf(asOf).Text, trigger);
            var summary = await job.RunAsync(asOf, progress, cancellationToken);
            LastRun = summary;
            return summary;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
