using Journey.Application.Actions;

namespace Journey.Functions.Jobs;

/// <summary>
/// Local mode's outbox loop: delivers the due actions every <see cref="ActionDispatchScheduleOptions.Interval"/>
/// (all of them, batch after batch). A failed round is logged and tried again at the next tick; the
/// outbox keeps every action until it is sent or failed.
/// </summary>
public sealed class LocalActionDispatch(ActionDispatcher dispatcher, ActionDispatchScheduleOptions options, TimeProvider clock, ILogger<LocalActionDispatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RunInBackground) return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Interval, clock, stoppingToken);
                try
                {
                    while ((await dispatcher.DispatchDueAsync(stoppingToken)).MoreDue)
                    {
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.ActionDispatchFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Local mode's outbox schedule (section <c>Actions</c>).</summary>
public sealed class ActionDispatchScheduleOptions
{
    public bool RunInBackground { get; set; } = true;

    /// <summary>How often the due actions are delivered.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan Interval => DispatchInterval > TimeSpan.Zero ? DispatchInterval : TimeSpan.FromSeconds(15);
}
