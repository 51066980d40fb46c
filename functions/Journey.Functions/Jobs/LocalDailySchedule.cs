using Journey.Application.Metrics;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Metrics;
using Journey.Domain.Ports;

namespace Journey.Functions.Jobs;

/// <summary>
/// Local mode's stand-in for the <c>DailyMetrics</c> timer: once the stream is drained after start,
/// computes yesterday's metrics if they are missing, then runs every day at
/// <see cref="DailyJobScheduleOptions.UtcTimeOfDay"/> (UTC) for the day before. In Azure the timer
/// function does this and the schedule is off.
/// </summary>
public sealed class LocalDailySchedule(
    DailyJobRunner runner,
    IMetricsStore metrics,
    EmbeddedStreamDispatcher? dispatcher,
    DailyJobScheduleOptions options,
    TimeProvider clock,
    ILogger<LocalDailySchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RunInBackground) return;
        try
        {
            await Task.Delay(options.StartDelay, clock, stoppingToken);
            if (dispatcher is not null) await dispatcher.WaitUntilDrainedAsync(stoppingToken);
            var yesterday = DailyJob.DefaultAsOf(clock);
            if (await metrics.GetAsync(MetricKinds.Rates, new AsOf(yesterday).Text, stoppingToken) is null)
                await RunAsync(yesterday, "local schedule (catch-up at start)", stoppingToken);

            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(UntilNext(clock.GetUtcNow(), options.UtcTimeOfDay), clock, stoppingToken);
                await RunAsync(DailyJob.DefaultAsOf(clock), "local schedule", stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>How long from <paramref name="now"/> until the next <paramref name="utcTimeOfDay"/> (tomorrow's when today's has passed).</summary>
    public static TimeSpan UntilNext(DateTimeOffset now, TimeSpan utcTimeOfDay)
    {
        var next = new DateTimeOffset(DateOnly.FromDateTime(now.UtcDateTime).ToDateTime(TimeOnly.FromTimeSpan(utcTimeOfDay)), TimeSpan.Zero);
        if (next <= now) next = next.AddDays(1);
        return next - now;
    }

    private async Task RunAsync(DateOnly asOf, string trigger, CancellationToken ct)
    {
        try
        {
            await runner.TryRunAsync(asOf, trigger, progress: null, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.ScheduledDailyJobFailed(ex, new AsOf(asOf).Text);
        }
    }
}

/// <summary>The local schedule of the daily job (section <c>DailyJob</c>): on by default in local mode.</summary>
public sealed class DailyJobScheduleOptions
{
    /// <summary>Run the job in the background of <c>dotnet run</c> (local mode only; Azure uses the timer function).</summary>
    public bool RunInBackground { get; set; } = true;

    /// <summary>When the daily run starts, UTC.</summary>
    public TimeSpan UtcTimeOfDay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after start the catch-up run waits (lets the app start serving first).</summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromSeconds(10);
}
