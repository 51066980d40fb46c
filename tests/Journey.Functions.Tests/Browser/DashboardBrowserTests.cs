using System.Text.Json;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Browser;

/// <summary>
/// The dashboard after <c>--demo</c>, in headless Chromium at desktop and phone width: every panel has
/// rows, no console error, no failed request, and the page no wider than the screen (wide tables scroll
/// inside themselves). Screenshots go to artifacts/screenshots.
/// </summary>
public sealed class DashboardBrowserTests
{
    [Theory]
    [InlineData(1200, "dashboard-desktop.png")]
    [InlineData(390, "dashboard-phone.png")]
    public async Task TheDashboard_AfterTheDemo_FillsEveryPanel_WithoutErrors(int width, string screenshot)
    {
        await using var app = await TestApp.StartAsync("--demo", "--Actions:RunInBackground=true", "--Actions:DispatchInterval=00:00:01");
        await WaitForMetricsAsync(app);
        var folder = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);

        var output = await NodeScript.RunAsync("browser-dashboard.mjs", app.BaseAddress.ToString(), Path.Combine(folder, screenshot), width.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var result = JsonDocument.Parse(output).RootElement;
        Assert.Empty(result.GetProperty("errors").EnumerateArray());
        foreach (var table in result.GetProperty("rows").EnumerateObject())
            Assert.True(table.Value.GetInt32() > 0, $"the {table.Name} panel is empty");
        Assert.True(result.GetProperty("pageWidth").GetInt32() <= width, $"the page is {result.GetProperty("pageWidth").GetInt32()} px wide at a {width} px viewport");
        Assert.True(File.Exists(Path.Combine(folder, screenshot)));
    }

    private static async Task WaitForMetricsAsync(TestApp app)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!patience.IsCancellationRequested)
        {
            using var response = await app.Client.GetAsync("/api/metrics/latest"); // 404 until the demo's daily job ran
            if (response.IsSuccessStatusCode) return;
            await Task.Delay(500);
        }
    }
}
