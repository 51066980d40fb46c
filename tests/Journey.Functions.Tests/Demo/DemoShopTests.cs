using System.Text.Json;
using Journey.Functions.Demo;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Demo;

/// <summary>
/// <c>--demo</c> through the whole pipeline: what the daily job finds agrees with the simulator's
/// parameters (the best channel converts best and brings the most valuable customers) and the CLV models fit.
/// </summary>
public sealed class DemoShopTests
{
    [Fact]
    public async Task TheDemosNumbers_AgreeWithTheSimulatorsParameters_AndTheClvModelsFit()
    {
        await using var app = await TestApp.StartAsync("--demo");
        var parameters = new DemoShopParameters();
        var bestBuyer = parameters.Channels.MaxBy(c => c.BuyRate)!.Name;
        var mostValuable = parameters.Channels.MaxBy(c => c.PurchaseRate * c.OrderValue)!.Name;

        await WaitForDemoPainPointsAsync(app); // the demo's last step: the weekly history and yesterday's full run are done
        var metrics = await WaitForMetricsAsync(app);

        var clv = metrics["clv"];
        Assert.Equal("fitted", clv.GetProperty("status").GetString());
        var conversion = metrics["funnel"].GetProperty("byChannel").EnumerateArray().ToDictionary(
            s => s.GetProperty("segment").GetString()!,
            s => (double)s.GetProperty("stages").EnumerateArray().Single(x => x.GetProperty("stage").GetString() == "Conversion").GetProperty("customers").GetInt64()
                 / s.GetProperty("customers").GetInt64());
        Assert.Equal(parameters.Channels.Select(c => c.Name).Order(StringComparer.Ordinal), conversion.Keys.Order(StringComparer.Ordinal)); // every channel credited as simulated
        Assert.Equal(bestBuyer, conversion.MaxBy(c => c.Value).Key);
        Assert.Equal(parameters.Channels.MinBy(c => c.BuyRate)!.Name, conversion.MinBy(c => c.Value).Key);
        var bestCustomers = metrics["best-customers"].GetProperty("best");
        Assert.Equal(mostValuable, bestCustomers.GetProperty("channels").EnumerateArray().First().GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheDemo_HasAWeeklySeriesOfRates_AndPainPointsWithQuotes()
    {
        await using var app = await TestApp.StartAsync("--demo");
        var parameters = new DemoShopParameters();

        var painPoints = await WaitForDemoPainPointsAsync(app);

        var named = painPoints.EnumerateArray().Where(p => !p.GetProperty("isOther").GetBoolean() && DaysOf(p) == DemoShop.PainPointDays).ToList();
        Assert.True(named.Count >= 4, $"{named.Count} pain points");
        Assert.Equal(named.Count, named.Select(p => p.GetProperty("label").GetString()).Distinct().Count());
        Assert.All(named, p => Assert.NotEmpty(p.GetProperty("quotes").EnumerateArray()));

        var points = (await app.GetJsonAsync("/api/rates/periods")).GetProperty("points").EnumerateArray().ToList();
        Assert.InRange(points.Count, parameters.Days / DemoShop.HistoryEveryDays - 2, parameters.Days / DemoShop.HistoryEveryDays + 1);
        Assert.All(points, p => Assert.Equal(DemoShop.HistoryEveryDays, DateOnly.Parse(p.GetProperty("until").GetString()!, System.Globalization.CultureInfo.InvariantCulture).DayNumber
            - DateOnly.Parse(p.GetProperty("from").GetString()!, System.Globalization.CultureInfo.InvariantCulture).DayNumber));
        Assert.All(points, p => Assert.False(p.GetProperty("restated").GetBoolean()));
        Assert.True(points.Count(p => p.TryGetProperty("conversionRate", out _)) >= points.Count - 2);
        Assert.True(points.Count(p => p.TryGetProperty("csat", out _)) >= points.Count / 2, "CSAT in most weeks");
        Assert.True(points.Sum(p => p.GetProperty("orders").GetInt32()) > 100);
    }

    /// <summary>The demo's pain points come last, after the weekly history and yesterday's full run.</summary>
    private static Task<JsonElement> WaitForDemoPainPointsAsync(TestApp app) =>
        WaitForAsync(app, "/api/painpoints/latest", p => p.EnumerateArray().Any(x => DaysOf(x) == DemoShop.PainPointDays));

    private static int DaysOf(JsonElement painPoint) =>
        DateOnly.Parse(painPoint.GetProperty("until").GetString()!, System.Globalization.CultureInfo.InvariantCulture).DayNumber
        - DateOnly.Parse(painPoint.GetProperty("since").GetString()!, System.Globalization.CultureInfo.InvariantCulture).DayNumber + 1;

    private static async Task<JsonElement> WaitForAsync(TestApp app, string path, Func<JsonElement, bool> ready)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (true)
        {
            using var response = await app.Client.GetAsync(path);
            var body = response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : default;
            if (body.ValueKind != JsonValueKind.Undefined && ready(body)) return body;
            Assert.False(patience.IsCancellationRequested, $"{path} was not ready in time");
            await Task.Delay(500);
        }
    }

    private static async Task<Dictionary<string, JsonElement>> WaitForMetricsAsync(TestApp app)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (true)
        {
            using var response = await app.Client.GetAsync("/api/metrics/latest"); // 404 until the demo's daily job ran
            var byKind = response.IsSuccessStatusCode
                ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone().EnumerateArray()
                    .ToDictionary(m => m.GetProperty("kind").GetString()!, m => m.GetProperty("data"))
                : [];
            if (byKind.ContainsKey("clv") || patience.IsCancellationRequested) return byKind;
            await Task.Delay(500);
        }
    }
}
