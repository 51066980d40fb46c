using System.Text.Json;
using Journey.Functions.Tests.Support;
using Journey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Journey.Functions.Tests.Browser;

/// <summary>
/// Real trackers in a real browser, as a web developer tries them: Debian's Chromium, headless, driven by
/// playwright-core (tests/node/browser-visit.mjs); the shop page on another origin than the collector,
/// which lists the shop in <c>Collector:AllowedOrigins</c>. <c>/journey.js</c> with its one-line snippet
/// (calls queued before it loaded) and a pixel <c>&lt;img&gt;</c> with UTM parameters; analytics.js 2.0
/// (@segment/analytics-next 1.84, the npm package's bundle served by the shop, <c>cdnURL</c> and
/// <c>apiHost</c> set) and a <c>fetch</c> with <c>credentials: 'include'</c>: each lands on the right
/// customer, credited to the right channel, with no console error and no failed request.
/// </summary>
public sealed class BrowserTrackerTests
{
    private static readonly HttpClient SettingsClient = new();

    private const string DesktopChrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

    [Fact]
    public async Task JourneyJs_AndThePixel_FromAnotherOrigin_LandOnTheCustomer_CreditedToTheirChannels()
    {
        var appAddress = "";
        await using var shop = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/landing", (HttpContext context) => Results.Content(ShopPage(appAddress), "text/html"));
            app.MapGet("/favicon.ico", () => Results.NoContent()); // the browser asks; a 404 would be a console error
        });
        var shopOrigin = LoopbackServer.Address(shop);
        await using var app = await TestApp.StartAsync($"--Collector:AllowedOrigins={shopOrigin}");
        appAddress = app.BaseAddress.ToString().TrimEnd('/');
        var visit = await VisitAsync(app, $"{shopOrigin}/landing?utm_source=newsletter&utm_medium=email&utm_campaign=weekly");
        var requests = visit.GetProperty("requests").EnumerateArray().ToList();
        Assert.Contains(requests, r => r.GetProperty("path").GetString() == "/journey.js" && r.GetProperty("status").GetInt32() == 200);
        Assert.All(requests.Where(r => r.GetProperty("path").GetString()!.StartsWith("/v1/", StringComparison.Ordinal)), r =>
        {
            Assert.Equal(200, r.GetProperty("status").GetInt32());
        });

        var customer = await app.GetJsonAsync("/api/customers/browser-u1");
        Assert.Equal("email", customer.GetProperty("acquisition").GetProperty("channel").GetString());
        Assert.Equal("Conversion", customer.GetProperty("stage").GetString());
        Assert.Equal(1, customer.GetProperty("orders").GetProperty("count").GetInt32());

        var pixelVisitor = await app.GetJsonAsync("/api/customers/browser-pixel-1");
        Assert.Equal("paid search", pixelVisitor.GetProperty("acquisition").GetProperty("channel").GetString());
    }

    [Fact]
    public async Task AnalyticsNext_BundledLocally_AndACredentialedFetch_FromAnotherOrigin_LandOnTheCustomer()
    {
        var appAddress = "";
        await using var shop = await AnalyticsNextShopAsync(() => CredentialedPage(appAddress), () => appAddress);
        var shopOrigin = LoopbackServer.Address(shop);
        await using var app = await TestApp.StartAsync($"--Collector:AllowedOrigins={shopOrigin}");
        appAddress = app.BaseAddress.ToString().TrimEnd('/');
        var visit = await VisitAsync(app, $"{shopOrigin}/landing?utm_source=google&utm_medium=cpc&utm_campaign=spring");
        var posts = visit.GetProperty("requests").EnumerateArray().Where(r => r.GetProperty("method").GetString() == "POST").ToList();
        Assert.NotEmpty(posts);
        Assert.All(posts, r => Assert.Equal((200, shopOrigin), (r.GetProperty("status").GetInt32(), r.GetProperty("allowOrigin").GetString())));

        var customer = await app.GetJsonAsync("/api/customers/ajs-u1");
        Assert.Equal("paid search", customer.GetProperty("acquisition").GetProperty("channel").GetString());
        Assert.Equal("Advocacy", customer.GetProperty("stage").GetString()); // ordered, then a 5-star review
        var counters = customer.GetProperty("counters");
        Assert.Equal(1, counters.GetProperty("Product Viewed").GetInt32());
        Assert.Equal(1, counters.GetProperty("Product Added").GetInt32());
        Assert.Equal(1, counters.GetProperty("Order Completed").GetInt32());
        Assert.Equal(1, counters.GetProperty("Product Reviewed").GetInt32()); // sent with fetch(credentials: 'include')
    }

    /// <summary>
    /// analytics.js in its batching delivery mode holds events until its batch fills or its timer fires (here:
    /// 100 events, 10 minutes), so nothing is sent while the visitor is on the page; when the tab is closed it
    /// flushes the batch with a keepalive fetch to <c>/b</c>, with and without cookies (<c>credentials</c>).
    /// Everything must land.
    /// </summary>
    [Theory]
    [InlineData("include", "flush-in")]
    [InlineData("omit", "flush-out")]
    public async Task AnalyticsNext_InBatchingMode_FlushesOnPageHide_WithAndWithoutCredentials(string credentials, string userId)
    {
        var appAddress = "";
        await using var shop = await AnalyticsNextShopAsync(() => BatchingPage(appAddress, credentials, userId), () => appAddress);
        var shopOrigin = LoopbackServer.Address(shop);
        await using var app = await TestApp.StartAsync($"--Collector:AllowedOrigins={shopOrigin}");
        appAddress = app.BaseAddress.ToString().TrimEnd('/');
        var visit = await VisitAsync(app, $"{shopOrigin}/landing?utm_source=newsletter&utm_medium=email");
        // Nothing went out while the page was open: the batch left on page hide.
        Assert.DoesNotContain(visit.GetProperty("requests").EnumerateArray(), r => r.GetProperty("method").GetString() == "POST");

        var customer = await app.GetJsonAsync($"/api/customers/{userId}");
        Assert.Equal("email", customer.GetProperty("acquisition").GetProperty("channel").GetString());
        Assert.Equal("Conversion", customer.GetProperty("stage").GetString());
        var counters = customer.GetProperty("counters");
        foreach (var name in new[] { "Page Viewed", "Identified", "Product Viewed", "Product Added", "Order Completed" })
            Assert.True(counters.TryGetProperty(name, out var n) && n.GetInt32() == 1, $"{name} landed once");
    }

    /// <summary>Opens the shop's page in Chromium, lets its trackers send, leaves it; then waits until the app applied what came. No console error, no failed request.</summary>
    private static async Task<JsonElement> VisitAsync(TestApp app, string pageUrl)
    {
        var output = await NodeScript.RunAsync("browser-visit.mjs", pageUrl, app.BaseAddress.ToString().TrimEnd('/'), DesktopChrome);
        await app.DrainAsync();
        var visit = JsonDocument.Parse(output).RootElement;
        Assert.Empty(visit.GetProperty("errors").EnumerateArray());
        return visit;
    }

    /// <summary>A shop origin that serves a page and analytics.js as the npm package builds it (bundles and settings from the shop, cdnURL).</summary>
    private static async Task<WebApplication> AnalyticsNextShopAsync(Func<string> page, Func<string> appAddress)
    {
        var bundles = Path.Combine(RepoPaths.Root, "tests", "node", "node_modules", "@segment", "analytics-next", "dist", "umd");
        return await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/landing", () => Results.Content(page(), "text/html"));
            app.MapGet("/favicon.ico", () => Results.NoContent());
            app.MapGet("/analytics-next/bundles/{file}", (string file) => Results.File(Path.Combine(bundles, Path.GetFileName(file)), "text/javascript"));
            app.MapGet("/ajs/{file}", (string file) => Results.File(Path.Combine(bundles, Path.GetFileName(file)), "text/javascript"));
            app.MapGet("/v1/projects/{key}/settings", async (string key) =>
                Results.Content(await SettingsClient.GetStringAsync($"{appAddress()}/v1/projects/{key}/settings"), "application/json"));
        });
    }

    /// <summary>analytics.js in batching mode, which holds the events until the page is hidden.</summary>
    private static string BatchingPage(string app, string credentials, string userId) => AnalyticsNextPage(
        app, userId, $"deliveryStrategy: {{ strategy: 'batching', config: {{ size: 100, timeout: 600000, credentials: '{credentials}' }} }}");

    /// <summary>analytics.js sending each event at once, then a credentialed fetch of our own.</summary>
    private static string CredentialedPage(string app) => AnalyticsNextPage(app, "ajs-u1", "", $$"""
        // A site that sends cookies with every request: credentials 'include' needs the origin reflected, not '*'.
        await fetch('{{app}}/v1/track', {
          method: 'POST', credentials: 'include',
          headers: { 'content-type': 'application/json', authorization: 'Basic ' + btoa('journey-local:') },
          body: JSON.stringify({ userId: 'ajs-u1', event: 'Product Reviewed', properties: { product_id: 'p1', rating: 5 } }),
        });
        """);

    /// <summary>
    /// A shop page using analytics.js 2.0 (the npm package's browser bundle, served by the shop): a page view,
    /// an identify, a product viewed and added, an order; then <paramref name="afterwards"/>.
    /// </summary>
    private static string AnalyticsNextPage(string app, string userId, string segmentOptions, string afterwards = "") => $$"""
        <!doctype html>
        <html><head><title>Trail shoes</title>
        <script src="/ajs/index.js"></script>
        </head><body><h1>Trail shoes</h1>
        <script>
          (async function () {
            const [analytics] = await AnalyticsNext.AnalyticsBrowser.load(
              { writeKey: 'journey-local', cdnURL: location.origin },
              { integrations: { 'Segment.io': { apiHost: '{{new Uri(app).Authority}}/v1', protocol: 'http', {{segmentOptions}} } } });
            await analytics.page();
            await analytics.identify('{{userId}}', { email: '{{userId}}@example.test', firstName: 'Grace' });
            await analytics.track('Product Viewed', { product_id: 'p1', name: 'Trail shoe', price: 30 });
            await analytics.track('Product Added', { product_id: 'p1', name: 'Trail shoe', price: 30, quantity: 1 });
            await analytics.track('Order Completed', { order_id: 'ORD-{{userId}}', revenue: 30 });
            {{afterwards}}
            window.visitDone = true;
          })().catch(e => console.error(String(e)));
        </script>
        </body></html>
        """;

    /// <summary>The shop's landing page: the snippet, calls queued before the script loads, a newsletter pixel.</summary>
    private static string ShopPage(string app)
    {
        var landing = Uri.EscapeDataString("https://shop.example/landing?utm_source=google&utm_medium=cpc&utm_campaign=spring");
        return $$"""
            <!doctype html>
            <html><head><title>Trail shoes</title>
            <script>
              window.journey = [
                ["identify", "browser-u1", {"email": "browser-u1@example.test", "firstName": "Ada"}],
                ["track", "Product Added", {"product_id": "p1", "name": "Trail shoe", "price": 42.5}],
                ["track", "Order Completed", {"order_id": "B1", "revenue": 42.5}]
              ];
            </script>
            <script async src="{{app}}/journey.js" data-key="journey-local" onload="setTimeout(function () { window.visitDone = true; }, 500)"></script>
            </head><body>
            <h1>Trail shoes</h1>
            <img alt="" width="1" height="1" src="{{app}}/i?k=journey-local&aid=browser-pixel-1&url={{landing}}">
            </body></html>
            """;
    }
}
