using Journey.Adapters.Stream.Embedded;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;

namespace Journey.Functions.Jobs;

/// <summary>
/// Local mode's stand-in for the <c>PainPoints</c> timer: once the stream is drained after start,
/// runs the summarizer if there are no pain points yet, then every day at
/// <see cref="SummarizerOptions.UtcTimeOfDay"/> (UTC, after the daily job) for the period up to the
/// day before. In Azure the timer function does this and the schedule is off.
/// </summary>
public sealed class LocalPainPointSchedule(
    PainPointRunner runner,
    IPainPointStore painPoints,
    EmbeddedStreamDispatcher? dispatcher,
    SummarizerOptions options,
    DailyJobScheduleOptions schedule,
    TimeProvider clock,
    ILogger<LocalPainPointSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled || !options.RunInBackground) return;
        try
        {
            await Task.Delay(schedule.StartDelay, clock, stoppingToken);
            if (dispatcher is not null) await dispatcher.WaitUntilDrainedAsync(stoppingToken);
            if ((await painPoints.LatestAsync(stoppingToken)).Count == 0)
                await RunAsync("local schedule (catch-up at start)", stoppingToken);

            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(LocalDailySchedule.UntilNext(clock.GetUtcNow(), options.UtcTimeOfDay), clock, stoppingToken);
                await RunAsync("local schedule", stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(string trigger, CancellationToken ct)
    {
        var window = runner.Job.DefaultWindow(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1));
        try
        {
            await runner.TryRunAsync(window, trigger, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.ScheduledPainPointsFailed(ex, window.Period);
        }
    }
}
