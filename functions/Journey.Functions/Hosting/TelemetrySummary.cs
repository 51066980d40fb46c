using System.Diagnostics.Metrics;
using Journey.Domain.Telemetry;

namespace Journey.Functions.Hosting;

/// <summary>
/// The local view of the <see cref="JourneyMetrics"/> instruments: a MeterListener sums what they
/// record and, every interval in which something happened, writes one structured log line with the
/// totals of that interval (events accepted and rejected, processed by outcome, dead-lettered, the
/// largest processing lag, RU and store operations). No exporter and no package: the console logger
/// shows it.
/// </summary>
public sealed class TelemetrySummary : BackgroundService
{
    private readonly TimeSpan _interval;
    private readonly ILogger<TelemetrySummary> _logger;
    private readonly TelemetryTotals _totals = new();
    private readonly MeterListener _listener = new();

    public TelemetrySummary(TimeSpan interval, ILogger<TelemetrySummary> logger)
    {
        _interval = interval;
        _logger = logger;
        _totals.Listen(_listener);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Write();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        Write();
    }

    private void Write()
    {
        var t = _totals.SnapshotAndReset();
        if (t.IsEmpty) return;
        _logger.TelemetrySummary(
            (int)_interval.TotalSeconds, t.Accepted, t.Rejected, t.Applied, t.Duplicates, t.Bots, t.Suppressed, t.DeadLettered, t.LagMaxSeconds, t.Batches, t.RequestCharge, t.StoreOperations);
    }

    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }
}

/// <summary>What the Journey instruments recorded since the last snapshot.</summary>
public readonly record struct TelemetryCounts(
    long Accepted, long Rejected, long Applied, long Duplicates, long Bots, long DeadLettered, long Batches, double LagMaxSeconds, double RequestCharge, long StoreOperations, long Suppressed = 0)
{
    public bool IsEmpty => this == default;
}

/// <summary>Sums the Journey instruments through a <see cref="MeterListener"/>. Thread-safe.</summary>
public sealed class TelemetryTotals
{
    private readonly Lock _lock = new();
    private TelemetryCounts _counts;

    /// <summary>Subscribes <paramref name="listener"/> to the Journey meter's instruments and starts it.</summary>
    public void Listen(MeterListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == JourneyMetrics.MeterName) l.EnableMeasurementEvents(instrument, this);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => ((TelemetryTotals)state!).Add(instrument.Name, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => ((TelemetryTotals)state!).Add(instrument.Name, value, tags));
        listener.Start();
    }

    public TelemetryCounts SnapshotAndReset()
    {
        lock (_lock)
        {
            var counts = _counts;
            _counts = default;
            return counts;
        }
    }

    private void Add(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_lock)
        {
            var c = _counts;
            _counts = instrument switch
            {
                JourneyMetrics.EventsAcceptedName => c with { Accepted = c.Accepted + (long)value },
                JourneyMetrics.RequestsRejectedName => c with { Rejected = c.Rejected + (long)value },
                JourneyMetrics.EventsProcessedName => Outcome(tags) switch
                {
                    "applied" => c with { Applied = c.Applied + (long)value },
                    "duplicate" => c with { Duplicates = c.Duplicates + (long)value },
                    "suppressed" => c with { Suppressed = c.Suppressed + (long)value },
                    _ => c with { Bots = c.Bots + (long)value },
                },
                JourneyMetrics.EventsDeadLetteredName => c with { DeadLettered = c.DeadLettered + (long)value },
                JourneyMetrics.ProcessingLagName => c with { Batches = c.Batches + 1, LagMaxSeconds = Math.Max(c.LagMaxSeconds, value) },
                JourneyMetrics.RequestChargeName => c with { RequestCharge = c.RequestCharge + value },
                JourneyMetrics.StoreOperationsName => c with { StoreOperations = c.StoreOperations + (long)value },
                _ => c,
            };
        }
    }

    private static string? Outcome(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == JourneyMetrics.OutcomeTag) return tag.Value as string;
        }
        return null;
    }
}
