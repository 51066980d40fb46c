using System.Globalization;
using System.Text.Json;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Browser;

/// <summary>
/// The dashboard after <c>--demo</c>, in headless Chromium at desktop and phone width: every panel has
/// data, no console error, no failed request, the page no wider than the screen (wide tables scroll
/// inside themselves), and a customer picked from the CLV table is looked up with their stage history
/// and sessions. Screenshots go to artifacts/screenshots.
/// </summary>
public sealed class DashboardBrowserTests
{
    private static readonly int[] Widths = [1200, 390];

    [Fact]
    public async Task TheDashboard_AfterTheDemo_FillsEveryPanel_WithoutErrors_AtDesktopAndPhoneWidth()
    {
        await using var app = await TestApp.StartAsync("--demo", "--Actions:RunInBackground=true", "--Actions:DispatchInterval=00:00:01");
        await WaitForTheDemoAsync(app);
        var folder = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);

        var output = await NodeScript.RunAsync("browser-dashboard.mjs", app.BaseAddress.ToString(), folder, string.Join(',', Widths));

        var result = JsonDocument.Parse(output).RootElement;
        Assert.Empty(result.GetProperty("errors").EnumerateArray());
        foreach (var panel in result.GetProperty("panels").EnumerateObject())
            Assert.True(panel.Value.GetBoolean(), $"the {panel.Name} panel shows no data");
        foreach (var width in Widths)
        {
            var pageWidth = result.GetProperty("pageWidth").GetProperty(width.ToString(CultureInfo.InvariantCulture)).GetInt32();
            Assert.True(pageWidth <= width, $"the page is {pageWidth} px wide at a {width} px viewport");
            Assert.True(File.Exists(Path.Combine(folder, $"dashboard-{width}.png")));
        }
        var lookup = result.GetProperty("lookup");
        Assert.Equal(JsonValueKind.Object, lookup.ValueKind);
        Assert.Equal(lookup.GetProperty("id").GetString(), lookup.GetProperty("facts").GetProperty("customer").GetString());
        Assert.True(lookup.GetProperty("transitions").GetInt32() >= 3, "a top customer has at least three stage transitions (to Conversion)");
        Assert.True(lookup.GetProperty("sessions").GetInt32() >= 1);
    }

    /// <summary>Until the demo is done: its last step, the pain points, comes after the daily job's latest documents and weekly history.</summary>
    private static async Task WaitForTheDemoAsync(TestApp app)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!patience.IsCancellationRequested)
        {
            using var metrics = await app.Client.GetAsync("/api/metrics/latest"); // 404 until the demo's daily job ran
            using var painPoints = await app.Client.GetAsync("/api/painpoints/latest"); // 404 until the demo's summarizer ran
            if (metrics.IsSuccessStatusCode && painPoints.IsSuccessStatusCode) return;
            await Task.Delay(500);
        }
    }
}
