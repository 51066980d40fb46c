using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Journey.Functions.Demo;

/// <summary>
/// <c>--demo</c>: fills the local pipeline with a simulated shop by sending its visitors' events
/// through the real HTTP collector (pixel hits and Segment batches), as a real site would.
/// </summary>
public sealed class DemoShop(IServer server, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<DemoShop> logger) : BackgroundService
{
    private const int Visitors = 400;
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
        var start = clock.GetUtcNow().AddDays(-120);
        var sent = 0;
        for (var v = 0; v < Visitors && !stoppingToken.IsCancellationRequested; v++)
        {
            sent += await SimulateVisitorAsync(http, random, v, start.AddMinutes(random.Next(0, 60 * 24 * 90)), stoppingToken);
        }
        logger.DemoShopSent(sent, Visitors, address);
    }

    private static async Task<int> SimulateVisitorAsync(HttpClient http, Random random, int index, DateTimeOffset at, CancellationToken ct)
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
                ["properties"] = properties,
                ["timestamp"] = t,
                ["context"] = new { userAgent = ua, page = new { url = landing, referrer } },
            });
        }

        var product = random.Next(1, 60);
        var price = Math.Round(10 + random.NextDouble() * 90, 2);
        Add("track", "Product Viewed", new { product_id = product, price, category = product % 3 == 0 ? "shoes" : "shirts" });
        if (random.NextDouble() < 0.55) Add("track", "Product Viewed", new { product_id = product + 1, price });
        if (random.NextDouble() < 0.2) Add("page", null, new { path = "/pages/size-guide" });
        var buys = random.NextDouble() < 0.3;
        if (random.NextDouble() < 0.45 || buys) Add("track", "Product Added", new { product_id = product, price, quantity = 1 });
        if (buys)
        {
            Add("identify", null, null, identified: true);
            Add("track", "Checkout Started", new { value = price }, identified: true);
            Add("track", "Order Completed", new { order_id = $"{userId}-1", revenue = price, products = new[] { new { product_id = product, price, category = "shoes" } } }, identified: true);
            if (random.NextDouble() < 0.35) Add("track", "Order Completed", new { order_id = $"{userId}-2", revenue = Math.Round(price * 0.8, 2) }, identified: true, minutes: 60 * 24 * random.Next(5, 40));
            if (random.NextDouble() < 0.25)
                Add("track", "Product Reviewed", new { product_id = product, rating = random.Next(1, 6), review_body = random.NextDouble() < 0.5 ? "Runs small, had to return it." : "Great quality, fast delivery." }, identified: true, minutes: 60 * 24 * 3);
            if (random.NextDouble() < 0.1) Add("track", "Referral Sent", new { channel = "email" }, identified: true);
            if (random.NextDouble() < 0.08) Add("track", "Order Refunded", new { order_id = $"{userId}-1", total = price, reason = "too small" }, identified: true, minutes: 60 * 24 * 7);
        }

        var response = await http.PostAsJsonAsync("/v1/batch", new { batch }, ct);
        response.EnsureSuccessStatusCode();
        return sent + batch.Count;
    }
}
