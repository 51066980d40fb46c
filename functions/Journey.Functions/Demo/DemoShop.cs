using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Journey.Adapters.Stream.Embedded;
using Journey.Application.Metrics;
using Journey.Functions.Jobs;

namespace Journey.Functions.Demo;

/// <summary>
/// <c>--demo</c>: fills the local pipeline with a simulated shop (<see cref="ShopSimulator"/>, parameters in
/// <see cref="DemoShopParameters"/>, a fixed seed) by sending its visitors' events through the real HTTP
/// collector as a real site would: the first visit through the pixel (with the referrer and UTM
/// parameters of its channel), the rest as Segment batches. Then, once the processor has applied them,
/// it runs the daily job in full for yesterday (the CLV models, predictions and model-based actions: the
/// dashboard's latest documents), then for every 7th day back from yesterday across the simulated period
/// (metrics only: the weekly series the rates-over-time panels read), then the pain-point summarizer over
/// the last <see cref="PainPointDays"/> days.
/// The demo records actions without a destination (<c>Actions:RecordWithoutDestination</c>), so every
/// rule's actions appear.
/// </summary>
public sealed class DemoShop(
    IServer server, IHostApplicationLifetime lifetime, DailyJobRunner dailyJob, PainPointRunner painPoints, TimeProvider clock, ILogger<DemoShop> logger,
    EmbeddedStreamDispatcher? stream = null) : BackgroundService
{
    private const string WriteKey = Collector.CollectorOptions.LocalWriteKey;
    private const int MaxParallelVisitors = 8;

    /// <summary>The days between the history's as-of dates: weekly points over a year are 53 runs of a few hundred ms.</summary>
    public const int HistoryEveryDays = 7;

    /// <summary>The pain points' period: the simulated texts are spread over the year, a quarter holds enough of them to cluster.</summary>
    public const int PainPointDays = 90;

    public DemoShopParameters Parameters { get; init; } = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? Hosting.JourneyWebHost.DefaultUrl;
        address = address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":")));

        var visitors = ShopSimulator.Simulate(Parameters, clock.GetUtcNow());
        var sent = 0;
        await Parallel.ForEachAsync(visitors, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelVisitors, CancellationToken = stoppingToken },
            async (visitor, ct) => Interlocked.Add(ref sent, await SendAsync(http, visitor, ct)));
        logger.DemoShopSent(sent, visitors.Count, address);

        // Yesterday's metrics and the model-based actions over the whole shop, once it is all applied (the
        // local schedule's catch-up may have run on an empty store before the shop was sent).
        if (stream is not null) await stream.WaitUntilDrainedAsync(stoppingToken);
        var yesterday = DailyJob.DefaultAsOf(clock);
        var history = DailyJobRunner.HistoryDates(yesterday.AddDays(-Parameters.Days), yesterday, HistoryEveryDays);
        var historyStarted = clock.GetTimestamp();
        while (await dailyJob.TryRunHistoryAsync(history, "demo", done: null, stoppingToken) is null)
            await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
        logger.DemoShopHistory(history.Count, clock.GetElapsedTime(historyStarted).TotalSeconds);

        var window = new Domain.PainPoints.PeriodWindow(yesterday.AddDays(1 - PainPointDays), yesterday);
        while (await painPoints.TryRunAsync(window, "demo", stoppingToken) is null)
            await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
    }

    /// <summary>The first visit through the pixel, then the visitor's events as one Segment batch; returns the events sent.</summary>
    private static async Task<int> SendAsync(HttpClient http, DemoVisitor visitor, CancellationToken ct)
    {
        var channel = visitor.Channel;
        var pixel = $"/i?k={WriteKey}&aid={visitor.AnonymousId}&url={Uri.EscapeDataString(visitor.LandingUrl)}&ts={visitor.FirstVisit.ToUnixTimeMilliseconds()}" +
                    (channel.Referrer is null ? "" : $"&ref={Uri.EscapeDataString(channel.Referrer)}");
        using (var request = new HttpRequestMessage(HttpMethod.Get, pixel))
        {
            request.Headers.UserAgent.ParseAdd(visitor.Device.UserAgent);
            (await http.SendAsync(request, ct)).EnsureSuccessStatusCode();
        }
        if (visitor.Events.Count == 0) return 1;

        var batch = visitor.Events.Select(e => new Dictionary<string, object?>
        {
            ["type"] = e.Type,
            ["event"] = e.Name,
            ["anonymousId"] = visitor.AnonymousId,
            ["userId"] = e.Identified ? visitor.UserId : null,
            ["properties"] = e.Type == "identify" ? null : e.Properties,
            ["traits"] = e.Type == "identify" ? e.Properties : null,
            ["timestamp"] = e.At,
            ["context"] = new { userAgent = visitor.Device.UserAgent, page = new { url = visitor.LandingUrl, referrer = channel.Referrer } },
        }).ToList();
        // A long history goes in several batches, as a client would send it.
        foreach (var chunk in batch.Chunk(100))
        {
            var response = await http.PostAsJsonAsync("/v1/batch", new { batch = chunk }, ct);
            response.EnsureSuccessStatusCode();
        }
        return 1 + batch.Count;
    }
}
