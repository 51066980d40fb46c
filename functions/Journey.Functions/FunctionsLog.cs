namespace Journey.Functions;

/// <summary>
/// The log messages of the host project, source-generated. Event ids of this assembly, by area:
/// collector 100-199, invocations 200-299, daily job and pain points 300-399, hosting 400-499, demo 500-599; never reuse one.
/// </summary>
internal static partial class FunctionsLog
{
    [LoggerMessage(100, LogLevel.Warning, "The stream did not accept {Count} events; answering 503")]
    public static partial void StreamRefusedEvents(this ILogger logger, Exception exception, int count);

    [LoggerMessage(205, LogLevel.Warning, "The store failed during the pain-point run for {Period}; the invocation fails so the timer's retry policy runs it again")]
    public static partial void PainPointsInvocationStoreFailed(this ILogger logger, Exception exception, string period);

    [LoggerMessage(306, LogLevel.Error, "Delivering the due actions failed; the outbox keeps them and the next round tries again")]
    public static partial void ActionDispatchFailed(this ILogger logger, Exception exception);

    [LoggerMessage(303, LogLevel.Warning, "Pain points for {Period} ({Trigger}) not started: a run is already in progress")]
    public static partial void PainPointsAlreadyRunning(this ILogger logger, string period, string trigger);

    [LoggerMessage(304, LogLevel.Information, "Pain points for {Period} triggered by {Trigger}")]
    public static partial void PainPointsTriggered(this ILogger logger, string period, string trigger);

    [LoggerMessage(305, LogLevel.Error, "The scheduled pain-point run for {Period} failed; it runs again at the next schedule or on POST /api/jobs/painpoints")]
    public static partial void ScheduledPainPointsFailed(this ILogger logger, Exception exception, string period);

    [LoggerMessage(201, LogLevel.Error, "The {Function} invocation payload could not be read")]
    public static partial void InvocationPayloadUnreadable(this ILogger logger, Exception exception, string function);

    [LoggerMessage(202, LogLevel.Warning, "The store failed during the daily job as of {AsOf}; the invocation fails so the timer's retry policy runs it again")]
    public static partial void DailyInvocationStoreFailed(this ILogger logger, Exception exception, string asOf);

    [LoggerMessage(203, LogLevel.Information, "Partition {Partition}: {Received} events, {Applied} applied, {Duplicates} duplicates, {DeadLettered} dead-lettered, {CustomerWrites} customer writes in {ElapsedMs} ms")]
    public static partial void BatchInvocationDone(this ILogger logger, string partition, int received, int applied, int duplicates, int deadLettered, int customerWrites, long elapsedMs);

    [LoggerMessage(204, LogLevel.Warning, "Processing {Count} events failed; the invocation fails so the trigger delivers the batch again")]
    public static partial void BatchInvocationFailed(this ILogger logger, Exception exception, int count);

    [LoggerMessage(300, LogLevel.Warning, "Daily job as of {AsOf} ({Trigger}) not started: a run is already in progress")]
    public static partial void DailyJobAlreadyRunning(this ILogger logger, string asOf, string trigger);

    [LoggerMessage(301, LogLevel.Information, "Daily job as of {AsOf} triggered by {Trigger}")]
    public static partial void DailyJobTriggered(this ILogger logger, string asOf, string trigger);

    [LoggerMessage(302, LogLevel.Error, "The scheduled daily job as of {AsOf} failed; it runs again at the next schedule or on POST /api/jobs/daily")]
    public static partial void ScheduledDailyJobFailed(this ILogger logger, Exception exception, string asOf);

    [LoggerMessage(400, LogLevel.Information, "Journey metrics over {IntervalSeconds} s: {Accepted} events accepted, {Rejected} requests rejected, {Applied} applied, {Duplicates} duplicates, {Bots} bots, {Suppressed} suppressed, {DeadLettered} dead-lettered, lag max {LagMaxSeconds:0.###} s over {Batches} batches, {RequestCharge:0.##} RU in {StoreOperations} store operations")]
    public static partial void TelemetrySummary(
        this ILogger logger, int intervalSeconds, long accepted, long rejected, long applied, long duplicates, long bots, long suppressed, long deadLettered, double lagMaxSeconds, long batches, double requestCharge, long storeOperations);

    [LoggerMessage(500, LogLevel.Information, "Demo shop sent {Events} events for {Visitors} visitors through {Address}")]
    public static partial void DemoShopSent(this ILogger logger, int events, int visitors, string address);

    [LoggerMessage(501, LogLevel.Information, "Demo shop: the daily job ran for {Dates} dates (yesterday in full, then the weekly history) in {Seconds:0.0} s")]
    public static partial void DemoShopHistory(this ILogger logger, int dates, double seconds);
}
