using System.Diagnostics.Metrics;
using Journey.Domain.Ports;
using Journey.Domain.Telemetry;
using Journey.Functions.Hosting;

namespace Journey.Functions.Tests.Privacy;

/// <summary>Events dropped for an erased person are their own outcome in the telemetry totals, not bots.</summary>
public sealed class SuppressedTelemetryTests
{
    [Fact]
    public void Suppressed_events_are_counted_apart()
    {
        using var listener = new MeterListener();
        var totals = new TelemetryTotals();
        totals.Listen(listener);

        JourneyMetrics.Processed(new BatchResult(7, 2, 0, 0, 1, 1, 0, Suppressed: 4), TimeSpan.FromSeconds(1));

        var counts = totals.SnapshotAndReset();
        Assert.Equal((2L, 1L, 4L), (counts.Applied, counts.Bots, counts.Suppressed));
    }
}
