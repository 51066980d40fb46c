using System.Text.Json;
using Journey.Domain.Actions;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Demo;

/// <summary><c>--demo</c> as a new user starts it: the simulated shop, through the collector, the processor and the daily job, produces actions of every rule.</summary>
public sealed class DemoActionsTests
{
    [Fact]
    public async Task TheDemoShop_ProducesActionsOfEveryRule()
    {
        await using var app = await TestApp.StartAsync("--demo", "--Actions:RunInBackground=true", "--Actions:DispatchInterval=00:00:01");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (seen.Count < ActionTypes.All.Count && !patience.IsCancellationRequested)
        {
            foreach (var type in ActionTypes.All.Except(seen))
            {
                var listed = await app.GetJsonAsync($"/api/actions?type={type}&limit=1");
                if (Items(listed).Any()) seen.Add(type);
            }
            if (seen.Count < ActionTypes.All.Count) await Task.Delay(500);
        }

        Assert.Equal(ActionTypes.All.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        // With no destination configured the demo records them: nothing is left waiting that is due.
        string? status;
        do
        {
            status = Items(await app.GetJsonAsync("/api/actions?type=order.cancelled")).First().GetProperty("status").GetString();
            if (status == ActionStatuses.Pending) await Task.Delay(500);
        }
        while (status == ActionStatuses.Pending && !patience.IsCancellationRequested);
        Assert.Contains(status, new[] { ActionStatuses.Skipped, ActionStatuses.Holdout });
    }

    private static JsonElement.ArrayEnumerator Items(JsonElement listed) => listed.EnumerateArray();
}
