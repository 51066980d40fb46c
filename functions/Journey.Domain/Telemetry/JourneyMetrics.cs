using System.Diagnostics.Metrics;
using Journey.Domain.Ports;

namespace Journey.Domain.Telemetry;

/// <summary>
/// The pipeline's instruments, on the <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="MeterName"/> (BCL only: no OpenTelemetry package in the domain). They are recorded where
/// the events happen (collector, processor, store) and cost next to nothing while nobody listens; the
/// host decides who listens (OpenTelemetry exporters in Azure, a periodic log summary locally).
/// </summary>
public static class JourneyMetrics
{
    /// <summary>The meter's name, what an OpenTelemetry <c>AddMeter</c> or a MeterListener selects.</summary>
    public const string MeterName = "Journey";

    /// <summary>Events the stream durably accepted from the collector.</summary>
    public const string EventsAcceptedName = "journey.collector.events.accepted";

    /// <summary>Collector requests answered with an error; tag <c>reason</c>: <c>invalid</c> (400), <c>unauthorized</c> (401), <c>unavailable</c> (503).</summary>
    public const string RequestsRejectedName = "journey.collector.requests.rejected";

    /// <summary>Events the processor finished with; tag <c>outcome</c>: <c>applied</c>, <c>duplicate</c>, <c>bot</c> or <c>suppressed</c> (an erased person's, dropped).</summary>
    public const string EventsProcessedName = "journey.processor.events.processed";

    /// <summary>Events written to the deadletter container instead of being applied.</summary>
    public const string EventsDeadLetteredName = "journey.processor.events.deadlettered";

    /// <summary>Per batch: seconds from the stream accepting the batch's oldest event to the batch being applied.</summary>
    public const string ProcessingLagName = "journey.processor.lag";

    /// <summary>Request units the Cosmos DB store was charged (as the SDK reports them).</summary>
    public const string RequestChargeName = "journey.store.request_charge";

    /// <summary>Store operations (requests, query pages) whose charge was counted.</summary>
    public const string StoreOperationsName = "journey.store.operations";

    public const string ReasonTag = "reason";
    public const string OutcomeTag = "outcome";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> EventsAccepted = Meter.CreateCounter<long>(EventsAcceptedName, "{event}", "Events the stream durably accepted from the collector");
    private static readonly Counter<long> RequestsRejected = Meter.CreateCounter<long>(RequestsRejectedName, "{request}", "Collector requests answered with an error");
    private static readonly Counter<long> EventsProcessed = Meter.CreateCounter<long>(EventsProcessedName, "{event}", "Events the processor finished with, by outcome");
    private static readonly Counter<long> EventsDeadLettered = Meter.CreateCounter<long>(EventsDeadLetteredName, "{event}", "Events sent to the deadletter container");
    private static readonly Histogram<double> ProcessingLag = Meter.CreateHistogram<double>(ProcessingLagName, "s", "Age of a batch's oldest event when the batch was applied");
    private static readonly Counter<double> RequestCharge = Meter.CreateCounter<double>(RequestChargeName, "RU", "Request units charged by Cosmos DB");
    private static readonly Counter<long> StoreOperations = Meter.CreateCounter<long>(StoreOperationsName, "{operation}", "Cosmos DB operations counted for their charge");

    /// <summary>The collector handed <paramref name="count"/> events to the stream and it accepted them.</summary>
    public static void Accepted(int count)
    {
        if (count > 0) EventsAccepted.Add(count);
    }

    /// <summary>The collector answered a request with an error (<c>invalid</c>, <c>unauthorized</c>, <c>unavailable</c>).</summary>
    public static void Rejected(string reason) => RequestsRejected.Add(1, new KeyValuePair<string, object?>(ReasonTag, reason));

    /// <summary>The processor finished a batch; <paramref name="lag"/> is the age of its oldest event (null for an empty batch).</summary>
    public static void Processed(BatchResult result, TimeSpan? lag)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Applied > 0) EventsProcessed.Add(result.Applied, new KeyValuePair<string, object?>(OutcomeTag, "applied"));
        if (result.Duplicates > 0) EventsProcessed.Add(result.Duplicates, new KeyValuePair<string, object?>(OutcomeTag, "duplicate"));
        if (result.Bots > 0) EventsProcessed.Add(result.Bots, new KeyValuePair<string, object?>(OutcomeTag, "bot"));
        if (result.Suppressed > 0) EventsProcessed.Add(result.Suppressed, new KeyValuePair<string, object?>(OutcomeTag, "suppressed"));
        if (result.DeadLettered > 0) EventsDeadLettered.Add(result.DeadLettered);
        if (lag is { } l) ProcessingLag.Record(Math.Max(0, l.TotalSeconds));
    }

    /// <summary>One store operation was charged <paramref name="requestUnits"/>.</summary>
    public static void Charged(double requestUnits)
    {
        RequestCharge.Add(requestUnits);
        StoreOperations.Add(1);
    }
}
