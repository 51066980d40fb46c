using Journey.Application.PainPoints;
using Journey.Domain.PainPoints;

namespace Journey.Functions.Jobs;

/// <summary>
/// Runs the summarizer for every trigger (the <c>PainPoints</c> timer, <c>POST /api/jobs/painpoints</c>,
/// the local schedule and the <c>painpoints</c> command), one run at a time in this process: a trigger
/// that arrives while a run is going gets <see langword="null"/> (the API answers 409).
/// </summary>
public sealed class PainPointRunner(PainPointJob job, ILogger<PainPointRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public PainPointJob Job => job;

    /// <summary>Runs the summarizer for <paramref name="window"/>, or returns null at once when a run is in progress.</summary>
    public async Task<PainPointRunSummary?> TryRunAsync(PeriodWindow window, string trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (!await _gate.WaitAsync(0, cancellationToken))
        {
            logger.PainPointsAlreadyRunning(window.Period, trigger);
            return null;
        }
        try
        {
            logger.PainPointsTriggered(window.Period, trigger);
            return await job.RunAsync(window, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
