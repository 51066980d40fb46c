using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Journey.Adapters.Store.Cosmos;
using Journey.Domain.Telemetry;
using Journey.Functions.Hosting;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Functions.Tests.Telemetry;

/// <summary>The Journey meter's instruments are process-wide: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Journey meter";
}

/// <summary>
/// The instruments count what they should where it happens (collector, processor, Cosmos DB
/// charges), the local summary adds them up, and the configuration picks the exporters.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Invocations", "Fixtures", name));

    [Fact]
    public async Task Collector_CountsAcceptedEvents_AndRejectedRequestsByReason()
    {
        await using var app = await TestApp.StartAsync("--Processor:Enabled=false");
        using var measurements = new Measurements();

        var batch = """{"writeKey":"journey-local","batch":[{"type":"track","event":"Product Viewed","anonymousId":"t-1"},{"type":"page","anonymousId":"t-1"}]}""";
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync("/v1/batch", new StringContent(batch, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client.PostAsync("/v1/track", new StringContent("{not json", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.GetAsync("/i?k=nope&aid=t-2")).StatusCode);

        Assert.Equal(2, measurements.Sum(JourneyMetrics.EventsAcceptedName));
        Assert.Equal(1, measurements.Sum(JourneyMetrics.RequestsRejectedName, (JourneyMetrics.ReasonTag, "invalid")));
        Assert.Equal(1, measurements.Sum(JourneyMetrics.RequestsRejectedName, (JourneyMetrics.ReasonTag, "unauthorized")));
    }

    [Fact]
    public async Task Processor_CountsAppliedDuplicateAndDeadLetteredEvents_AndTheLagOfEachBatch()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 11, 5, 30, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(clock);
        using var measurements = new Measurements();

        foreach (var fixture in new[] { "process-events-poison.json", "process-events-poison.json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/ProcessEvents") { Content = new StringContent(Fixture(fixture), Encoding.UTF8, "application/json") };
            Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(request)).StatusCode);
        }

        Assert.Equal(2, measurements.Sum(JourneyMetrics.EventsProcessedName, (JourneyMetrics.OutcomeTag, "applied")));
        Assert.Equal(2, measurements.Sum(JourneyMetrics.EventsProcessedName, (JourneyMetrics.OutcomeTag, "duplicate")));
        Assert.Equal(2, measurements.Sum(JourneyMetrics.EventsDeadLetteredName)); // the poison event, delivered twice
        var lags = measurements.Values(JourneyMetrics.ProcessingLagName);
        Assert.Equal(2, lags.Count);
        // the fixture's events were enqueued at 2026-03-02T11:02:00Z, three and a half minutes before the app's clock
        Assert.All(lags, lag => Assert.Equal(210, lag));
    }

    [Fact]
    public void RequestChargeMeter_RecordsEveryChargeOnTheJourneyMeter()
    {
        using var measurements = new Measurements();
        var meter = new RequestChargeMeter();

        meter.Add(1.25);
        meter.Add(5.5);

        Assert.Equal(6.75, measurements.Sum(JourneyMetrics.RequestChargeName), 6);
        Assert.Equal(2, measurements.Sum(JourneyMetrics.StoreOperationsName));
        Assert.Equal(6.75, meter.TotalRequestCharge, 6);
    }

    [Fact]
    public void TelemetryTotals_AddUpAnInterval_AndStartAgainAfterASnapshot()
    {
        using var listener = new MeterListener();
        var totals = new TelemetryTotals();
        totals.Listen(listener);

        JourneyMetrics.Accepted(3);
        JourneyMetrics.Rejected("invalid");
        JourneyMetrics.Processed(new Journey.Domain.Ports.BatchResult(6, 3, 1, 1, 1, 2, 1), TimeSpan.FromSeconds(4));
        JourneyMetrics.Processed(new Journey.Domain.Ports.BatchResult(1, 1, 0, 0, 0, 1, 0), TimeSpan.FromSeconds(2));
        JourneyMetrics.Charged(7.5);

        var counts = totals.SnapshotAndReset();
        Assert.Equal(new TelemetryCounts(Accepted: 3, Rejected: 1, Applied: 4, Duplicates: 1, Bots: 1, DeadLettered: 1, Batches: 2, LagMaxSeconds: 4, RequestCharge: 7.5, StoreOperations: 1), counts);
        Assert.True(totals.SnapshotAndReset().IsEmpty);
    }

    [Fact]
    public async Task ApplicationInsights_WithEntra_SignsInWithTheAppsOneCredential()
    {
        var credential = new RecordingCredential();
        await using (var app = await TestApp.StartAsync(
            services =>
            {
                services.AddSingleton<TokenCredential>(credential);
                services.Configure<AzureMonitorExporterOptions>(o => o.DisableOfflineStorage = true);
            },
            $"--{SettingNames.ApplicationInsightsConnectionString}=InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/",
            $"--{SettingNames.ApplicationInsightsAuthenticationString}=ClientId=11111111-1111-1111-1111-111111111111;Authorization=AAD",
            "--Processor:Enabled=false"))
        {
            var pixel = await app.Client.GetAsync("/i?k=journey-local&aid=t-entra&e=Product%20Viewed");
            Assert.Equal(HttpStatusCode.OK, pixel.StatusCode);
        } // stopping the app flushes the exporters

        Assert.Contains(credential.Scopes, scope => scope.StartsWith("https://monitor.azure.com/", StringComparison.Ordinal));
    }

    /// <summary>A credential that hands out a dummy token and remembers the scopes it was asked for.</summary>
    private sealed class RecordingCredential : TokenCredential
    {
        public ConcurrentBag<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes) Scopes.Add(scope);
            return new AccessToken("test-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    [Fact]
    public void Plan_Locally_SummarizesEveryMinute_AndExportsNothing()
    {
        var plan = Telemetry(new Dictionary<string, string?>());
        Assert.False(plan.Exports);
        Assert.Equal(TimeSpan.FromMinutes(1), plan.SummaryInterval);
    }

    [Fact]
    public void Plan_WithApplicationInsights_ExportsThere_WithoutTheSummary()
    {
        var plan = Telemetry(new Dictionary<string, string?>
        {
            [SettingNames.ApplicationInsightsConnectionString] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/",
            [SettingNames.ApplicationInsightsAuthenticationString] = "ClientId=11111111-1111-1111-1111-111111111111;Authorization=AAD",
        });
        Assert.True(plan.Exports);
        Assert.Null(plan.OtlpEndpoint);
        Assert.Equal(TimeSpan.Zero, plan.SummaryInterval);
        Assert.True(Hosting.Telemetry.UsesEntra(plan.AppInsightsAuthenticationString));
    }

    [Fact]
    public void Plan_WithOtlp_AndAnExplicitInterval_DoesBoth()
    {
        var plan = Telemetry(new Dictionary<string, string?>
        {
            [SettingNames.OtlpEndpoint] = "http://localhost:4317",
            ["Telemetry:SummaryInterval"] = "00:00:10",
        });
        Assert.True(plan.Exports);
        Assert.Equal(TimeSpan.FromSeconds(10), plan.SummaryInterval);
        Assert.False(Hosting.Telemetry.UsesEntra("InstrumentationKey=x"));
    }

    [Fact]
    public void Plan_RejectsANonsenseInterval()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Telemetry(new Dictionary<string, string?> { ["Telemetry:SummaryInterval"] = "soon" }));
        Assert.Contains(SettingNames.TelemetrySummaryInterval, ex.Message, StringComparison.Ordinal);
    }

    private static TelemetryPlan Telemetry(Dictionary<string, string?> settings) =>
        Hosting.Telemetry.Plan(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    /// <summary>Every measurement of the Journey meter while it lives.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _seen = new();

        public Measurements()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == JourneyMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, t, _) => _seen.Enqueue((i.Name, v, t.ToArray())));
            _listener.SetMeasurementEventCallback<double>((i, v, t, _) => _seen.Enqueue((i.Name, v, t.ToArray())));
            _listener.Start();
        }

        public double Sum(string instrument, (string Key, string Value)? tag = null) =>
            _seen.Where(m => m.Name == instrument && (tag is null || m.Tags.Any(t => t.Key == tag.Value.Key && Equals(t.Value, tag.Value.Value)))).Sum(m => m.Value);

        public List<double> Values(string instrument) => [.. _seen.Where(m => m.Name == instrument).Select(m => m.Value)];

        public void Dispose() => _listener.Dispose();
    }
}
