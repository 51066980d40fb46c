using System.Text.Json;
using Journey.Functions.Tests.Support;
using Journey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Journey.Functions.Tests.Browser;

/// <summary>
/// Real trackers in a real browser, as a web developer tries them: Debian's Chromium, headless, driven by
/// playwright-core (tests/node/browser-visit.mjs); the shop page on another origin than the collector,
/// which lists the shop in <c>Collector:AllowedOrigins</c>. The page loads <c>/journey.js</c> with its
/// one-line snippet and queues an identify and an order before it loaded, and carries a newsletter
/// pixel <c>&lt;img&gt;</c> with UTM parameters: both land on the right customer, credited to the right channel.
/// </summary>
public sealed class BrowserTrackerTests
{
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

        var output = await NodeScript.RunAsync("browser-visit.mjs", $"{shopOrigin}/landing?utm_source=newsletter&utm_medium=email&utm_campaign=weekly", appAddress, DesktopChrome);
        await app.DrainAsync();

        var visit = JsonDocument.Parse(output).RootElement;
        Assert.Empty(visit.GetProperty("errors").EnumerateArray());
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
