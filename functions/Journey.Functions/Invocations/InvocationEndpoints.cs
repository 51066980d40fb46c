using System.Diagnostics;
using System.Text.Json;
using Journey.Application.Actions;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Functions.Collector;
using Journey.Functions.Jobs;

namespace Journey.Functions.Invocations;

/// <summary>
/// The non-HTTP functions, as the Functions host calls a custom handler: <c>POST /{FunctionName}</c>
/// with the invocation payload. <c>ProcessEvents</c> hands the Event Hubs batch to the same
/// processor the local dispatcher uses. A poison event is dead-lettered by the processor and does
/// not fail its batch; any other failure answers 500, so the trigger's retry policy (without a limit:
/// the trigger checkpoints past a batch once its retries run out) delivers the batch again.
/// </summary>
public static class InvocationEndpoints
{
    public const string ProcessEvents = "ProcessEvents";
    public const string DailyMetrics = "DailyMetrics";
    public const string PainPoints = "PainPoints";
    public const string Actions = "Actions";

    /// <summary>Batches of due actions one <c>Actions</c> invocation delivers at most (the rest: the next tick).</summary>
    private const int MaxDispatchRounds = 20;

    public static void MapInvocations(this IEndpointRouteBuilder app)
    {
        app.MapPost($"/{ProcessEvents}", ProcessEventsAsync);
        app.MapPost($"/{DailyMetrics}", DailyMetricsAsync);
        app.MapPost($"/{PainPoints}", PainPointsAsync);
        app.MapPost($"/{Actions}", ActionsAsync);
    }

    /// <summary>
    /// The pain-point timer (after the daily job): the summarizer for the <c>Summarizer:PeriodDays</c>
    /// days up to the day before the scheduled time. With <c>Summarizer:Enabled</c> false it returns at
    /// once. A store failure answers 500 so the timer's retry policy runs it again.
    /// </summary>
    private static async Task<IResult> PainPointsAsync(HttpRequest request, PainPointRunner runner, SummarizerOptions options, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!options.Enabled)
            return Results.Json(InvocationResult.WithLogs("The pain-point summarizer is disabled (Summarizer:Enabled=false): nothing to do."));
        var logger = loggers.CreateLogger(PainPoints);
        var (scheduled, unreadable) = await ScheduledTimeAsync(request, clock, logger, PainPoints, ct);
        if (unreadable is not null) return unreadable;

        var window = runner.Job.DefaultWindow(DateOnly.FromDateTime(scheduled.UtcDateTime).AddDays(-1));
        try
        {
            var summary = await runner.TryRunAsync(window, $"{PainPoints} timer", ct);
            var message = summary is null
                ? $"Pain points for {window.Period} not started: a run is already in progress."
                : JobSummaries.ToText(summary);
            return Results.Json(InvocationResult.WithLogs(message));
        }
        catch (Exception ex) when (ex is StoreUnavailableException or TimeoutException)
        {
            logger.PainPointsInvocationStoreFailed(ex, window.Period);
            return Results.Json(new InvocationResult(new Dictionary<string, object?>(), [$"transient failure, retry: {ex.Message}"], null), statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>
    /// The outbox timer: delivers the due actions, batch after batch (at most <see cref="MaxDispatchRounds"/>).
    /// Failed deliveries stay in the outbox with their next attempt time, so the invocation itself
    /// succeeds; a store failure answers 500 and the next tick tries again.
    /// </summary>
    private static async Task<IResult> ActionsAsync(ActionDispatcher dispatcher, ILoggerFactory loggers, CancellationToken ct)
    {
        int rounds = 0, sent = 0, failed = 0, retrying = 0, heldOut = 0;
        try
        {
            DispatchSummary summary;
            do
            {
                summary = await dispatcher.DispatchDueAsync(ct);
                (sent, failed, retrying, heldOut) = (sent + summary.Sent, failed + summary.Failed, retrying + summary.Retrying, heldOut + summary.HeldOut);
            }
            while (summary.MoreDue && ++rounds < MaxDispatchRounds);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or TimeoutException)
        {
            loggers.CreateLogger(Actions).ActionDispatchFailed(ex);
            return Results.Json(new InvocationResult(new Dictionary<string, object?>(), [$"transient failure, retry: {ex.Message}"], null), statusCode: StatusCodes.Status500InternalServerError);
        }
        return Results.Json(InvocationResult.WithLogs($"Actions: {sent} sent, {failed} failed, {retrying} to retry, {heldOut} held out."));
    }

    /// <summary>The timer's scheduled time (<c>sys.UtcNow</c>), else now; or the 400 answer when the payload cannot be read (logged).</summary>
    private static async Task<(DateTimeOffset Scheduled, IResult? Unreadable)> ScheduledTimeAsync(HttpRequest request, TimeProvider clock, ILogger logger, string function, CancellationToken ct)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            return (HostInvocation.Parse(body.RootElement).ScheduledTime() ?? clock.GetUtcNow(), null);
        }
        catch (Exception ex) when (ex is JsonException or InvocationFormatException)
        {
            logger.InvocationPayloadUnreadable(ex, function);
            return (default, Results.Json(new ErrorBody($"The invocation payload could not be read: {ex.Message}", "Data"), statusCode: StatusCodes.Status400BadRequest));
        }
    }

    /// <summary>
    /// The daily timer: the job as of the day before the host's scheduled time (<c>sys.UtcNow</c>
    /// of the invocation, so a retried or late invocation computes the same day). A store failure
    /// answers 500 so the function's retry policy runs it again; a run already in progress is
    /// reported and not doubled.
    /// </summary>
    private static async Task<IResult> DailyMetricsAsync(HttpRequest request, DailyJobRunner runner, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(DailyMetrics);
        var (scheduled, unreadable) = await ScheduledTimeAsync(request, clock, logger, DailyMetrics, ct);
        if (unreadable is not null) return unreadable;

        var asOf = DateOnly.FromDateTime(scheduled.UtcDateTime).AddDays(-1);
        try
        {
            var summary = await runner.TryRunAsync(asOf, $"{DailyMetrics} timer", progress: null, ct);
            var message = summary is null
                ? $"Daily job as of {new AsOf(asOf).Text} not started: a run is already in progress."
                : JobSummaries.ToText(summary);
            return Results.Json(InvocationResult.WithLogs(message));
        }
        catch (Exception ex) when (ex is StoreUnavailableException or TimeoutException)
        {
            logger.DailyInvocationStoreFailed(ex, new AsOf(asOf).Text);
            return Results.Json(new InvocationResult(new Dictionary<string, object?>(), [$"transient failure, retry: {ex.Message}"], null), statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    private static async Task<IResult> ProcessEventsAsync(HttpRequest request, IJourneyProcessor processor, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(ProcessEvents);
        IReadOnlyList<StreamRecord> batch;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            batch = EventHubBatch.Read(HostInvocation.Parse(body.RootElement));
        }
        catch (Exception ex) when (ex is JsonException or InvocationFormatException)
        {
            logger.InvocationPayloadUnreadable(ex, ProcessEvents);
            return Results.Json(new ErrorBody($"The invocation payload could not be read: {ex.Message}", "Data"), statusCode: StatusCodes.Status400BadRequest);
        }

        var clock = Stopwatch.StartNew();
        try
        {
            var result = await processor.ProcessAsync(batch, ct);
            var partition = batch.Count > 0 ? batch[0].Partition : "-";
            var message = $"Partition {partition}: {result.Received} events, {result.Applied} applied, {result.Duplicates} duplicates, {result.DeadLettered} dead-lettered, {result.Bots} bots, {result.CustomerWrites} customer writes, {result.Suppressed} suppressed in {clock.ElapsedMilliseconds} ms";
            logger.BatchInvocationDone(
                partition, result.Received, result.Applied, result.Duplicates, result.DeadLettered, result.CustomerWrites, clock.ElapsedMilliseconds);
            return Results.Json(InvocationResult.WithLogs(message));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever failed may succeed later (a poison event would have been dead-lettered, not thrown):
            // the trigger's retry policy (maxRetryCount -1) delivers the batch again, and the partition waits.
            logger.BatchInvocationFailed(ex, batch.Count);
            return Results.Json(new InvocationResult(new Dictionary<string, object?>(), [$"failed, the batch is delivered again: {ex.Message}"], null), statusCode: StatusCodes.Status500InternalServerError);
        }
    }
}
