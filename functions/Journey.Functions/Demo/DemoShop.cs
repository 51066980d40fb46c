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
/// <c>--demo</c>: fills the local pipeline with a simulated shop by sending its visitors' events
/// through the real HTTP collector (pixel hits and Segment batches), as a real site would: 400 visitors
/// over the last 120 days, 40 customers who bought 200-240 days ago and never came back (the win-back
/// rule), and 60 visitors of the last two days (recent enough for the real-time rules: carts left behind,
/// first orders, cancellations and refunds). The demo records actions without a destination
/// (<c>Actions:RecordWithoutDestination</c>), so every rule's actions appear.
/// </summary>
public sealed class DemoShop(
    IServer server, IHostApplicationLifetime lifetime, DailyJobRunner dailyJob, TimeProvider clock, ILogger<DemoShop> logger, EmbeddedStreamDispatcher? stream = null) : BackgroundService
{
    private const int Visitors = 400;
    private const int LapsedBuyers = 40;
    private const int RecentVisitors = 60;
    private const string WriteKey = Collector.CollectorOptions.LocalWriteKey;

    private static readonly (string Channel, string? Referrer, string? Utm)[] Entrances =
    [
        ("organic search", "https://www.google.com/", null),
        ("paid search", "https://www.google.com/", "utm_source=google&utm_medium=cpc&utm_campaign=spring"),
        ("organic social", "https://www.instagram.com/", null),
        ("paid social", "https://www.facebook.com/", "utm_source=facebook&utm_medium=paid_social&utm_campaign=retarget"),
        ("email", null, "utm_source=newsletter&utm_medium=email&utm_campaign=weekly"),
        ("referral", "https://blog.example.org/best-shoes", null),
        ("direct", null, null),
    ];

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? Hosting.JourneyWebHost.DefaultUrl;
        address = address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":")));

        var random = new Random(20261122);
        var now = clock.GetUtcNow();
        var start = now.AddDays(-120);
        var sent = 0;
        for (var v = 0; v < Visitors && !stoppingToken.IsCancellationRequested; v++)
            sent += await SimulateVisitorAsync(http, random, v, start.AddMinutes(random.Next(0, 60 * 24 * 90)), buyRate: 0.3, stoppingToken);
        for (var v = Visitors; v < Visitors + LapsedBuyers && !stoppingToken.IsCancellationRequested; v++)
            sent += await SimulateVisitorAsync(http, random, v, now.AddDays(-240).AddMinutes(random.Next(0, 60 * 24 * 40)), buyRate: 1, stoppingToken);
        for (var v = Visitors + LapsedBuyers; v < Visitors + LapsedBuyers + RecentVisitors && !stoppingToken.IsCancellationRequested; v++)
            sent += await SimulateVisitorAsync(http, random, v, now.AddHours(-48).AddMinutes(random.Next(0, 60 * 44)), buyRate: 0.4, stoppingToken, recent: true);
        logger.DemoShopSent(sent, Visitors + LapsedBuyers + RecentVisitors, address);

        // Yesterday's metrics and the model-based actions over the whole shop, once it is all applied (the
        // local schedule's catch-up may have run on an empty store before the shop was sent).
        if (stream is not null) await stream.WaitUntilDrainedAsync(stoppingToken);
        while (await dailyJob.TryRunAsync(DailyJob.DefaultAsOf(clock), "demo", progress: null, stoppingToken) is null)
            await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
    }

    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Niklaus"];

    private static readonly string[] CancelReasons = ["Found it cheaper elsewhere", "Delivery date too late", "Ordered the wrong size", "Changed my mind"];

    /// <param name="recent">A visit of the last two days: later purchases, reviews and refunds, which would lie in the future, are left out.</param>
    private static async Task<int> SimulateVisitorAsync(HttpClient http, Random random, int index, DateTimeOffset at, double buyRate, CancellationToken ct, bool recent = false)
    {
        var anonymousId = $"demo-anon-{index:D4}";
        var userId = $"demo-user-{index:D4}";
        var (_, referrer, utm) = Entrances[random.Next(Entrances.Length)];
        var ua = UserAgents[random.Next(UserAgents.Length)];
        var landing = "https://shop.example/" + (utm is null ? "" : "?" + utm);
        var t = at;
        var sent = 0;

        // first touch through the pixel, as a page without JavaScript would send it
        var pixel = $"/i?k={WriteKey}&aid={anonymousId}&url={Uri.EscapeDataString(landing)}&ts={t.ToUnixTimeMilliseconds()}" +
                    (referrer is null ? "" : $"&ref={Uri.EscapeDataString(referrer)}");
        using (var request = new HttpRequestMessage(HttpMethod.Get, pixel))
        {
            request.Headers.UserAgent.ParseAdd(ua);
            (await http.SendAsync(request, ct)).EnsureSuccessStatusCode();
        }
        sent++;

        var batch = new List<object>();
        void Add(string type, string? name, object? properties = null, bool identified = false, double minutes = 2)
        {
            t = t.AddMinutes(minutes * (0.5 + random.NextDouble()));
            batch.Add(new Dictionary<string, object?>
            {
                ["type"] = type,
                ["event"] = name,
                ["anonymousId"] = anonymousId,
                ["userId"] = identified ? userId : null,
                ["properties"] = type == "identify" ? null : properties,
                ["traits"] = type == "identify" ? new { email = $"{userId}@example.test", firstName = FirstNames[index % FirstNames.Length] } : null,
                ["timestamp"] = t,
                ["context"] = new { userAgent = ua, page = new { url = landing, referrer } },
            });
        }

        var product = random.Next(1, 60);
        var price = Math.Round(10 + random.NextDouble() * 90, 2);
        Add("track", "Product Viewed", new { product_id = product, price, category = product % 3 == 0 ? "shoes" : "shirts" });
        if (random.NextDouble() < 0.55) Add("track", "Product Viewed", new { product_id = product + 1, price });
        if (random.NextDouble() < 0.2) Add("page", null, new { path = "/pages/size-guide" });
        var buys = random.NextDouble() < buyRate;
        if (random.NextDouble() < 0.45 || buys) Add("track", "Product Added", new { product_id = product, name = $"Product {product}", price, quantity = 1 });
        if (buys)
        {
            Add("identify", null, null, identified: true);
            Add("track", "Checkout Started", new { value = price }, identified: true);
            Add("track", "Order Completed", new { order_id = $"{userId}-1", revenue = price, products = new[] { new { product_id = product, price, category = "shoes" } } }, identified: true);
            if (random.NextDouble() < 0.08)
                Add("track", "Order Cancelled", new { order_id = $"{userId}-1", total = price, reason = CancelReasons[random.Next(CancelReasons.Length)] }, identified: true, minutes: 30);
            if (recent)
            {
                if (random.NextDouble() < 0.15) Add("track", "Order Refunded", new { order_id = $"{userId}-1", total = price, reason = "too small" }, identified: true, minutes: 60 * 6);
            }
            else
            {
                var repeat = random.NextDouble() < 0.35;
                if (repeat) Add("track", "Order Completed", new { order_id = $"{userId}-2", revenue = Math.Round(price * 0.8, 2) }, identified: true, minutes: 60 * 24 * random.Next(5, 40));
                // Repeat buyers review more often, and more kindly: some of the best customers become advocacy candidates.
                if (random.NextDouble() < (repeat ? 0.5 : 0.25))
                {
                    var rating = repeat && random.NextDouble() < 0.7 ? random.Next(4, 6) : random.Next(1, 6);
                    Add("track", "Product Reviewed", new { product_id = product, rating, review_body = rating >= 4 ? "Great quality, fast delivery." : "Runs small, had to return it." }, identified: true, minutes: 60 * 24 * 3);
                }
                if (random.NextDouble() < 0.1) Add("track", "Referral Sent", new { channel = "email" }, identified: true);
                if (random.NextDouble() < 0.08) Add("track", "Order Refunded", new { order_id = $"{userId}-1", total = price, reason = "too small" }, identified: true, minutes: 60 * 24 * 7);
            }
        }

        var response = await http.PostAsJsonAsync("/v1/batch", new { batch }, ct);
        response.EnsureSuccessStatusCode();
        return sent + batch.Count;
    }
}
