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
