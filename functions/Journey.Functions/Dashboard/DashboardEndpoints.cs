using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Processing;

namespace Journey.Functions.Dashboard;

/// <summary>The local dashboard at <c>/</c> and the overview it reads (<c>GET /api/overview</c>, an admin route).</summary>
public static class DashboardEndpoints
{
    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Content(DashboardPage.Html, "text/html; charset=utf-8"));
        app.MapGroup("/api").AddEndpointFilter(Admin.AdminEndpoints.RequireAdmin).MapGet("/overview", OverviewAsync);
    }

    /// <summary>Counts over every customer document (a scan: fine for a laptop's data; BI tools query the store for more).</summary>
    private static async Task<IResult> OverviewAsync(ICustomerStore customers, IDeadLetterStore deadLetters, TimeProvider clock, CancellationToken ct)
    {
        var stages = Enum.GetValues<Stage>().Where(s => s != Stage.None).ToDictionary(s => s.ToString(), _ => 0L);
        var channels = new SortedDictionary<string, ChannelRow>(StringComparer.Ordinal);
        long total = 0, orders = 0, sessions = 0, bounces = 0, carts = 0, abandoned = 0;
        decimal revenue = 0;
        await foreach (var c in customers.ScanProjectionsAsync(ct))
        {
            if (c.IsRedirect) continue;
            total++;
            if (c.Stage != Stage.None) stages[c.Stage.ToString()]++;
            orders += c.Orders.Count;
            revenue += c.Orders.Revenue;
            sessions += c.Sessions.Count;
            bounces += c.Sessions.Bounces;
            carts += c.Carts.Created;
            abandoned += c.Carts.Abandoned;
            var channel = c.Acquisition?.Channel ?? "unknown";
            if (!channels.TryGetValue(channel, out var row)) channels[channel] = row = new ChannelRow();
            row.Customers++;
            if (c.Orders.Count > 0) row.Buyers++;
            row.Revenue += c.Orders.Revenue;
        }
        var today = TimelineEntries.Day(clock.GetUtcNow());
        var dead = await deadLetters.ListAsync(today, ct);
        return Results.Json(new
        {
            customers = total,
            stages,
            orders,
            revenue,
            sessions,
            bounceRate = sessions == 0 ? 0 : Math.Round((double)bounces / sessions, 4),
            cartAbandonmentRate = carts == 0 ? 0 : Math.Round((double)abandoned / carts, 4),
            channels,
            deadLettersToday = dead.Count,
        });
    }

    private sealed class ChannelRow
    {
        public long Customers { get; set; }
        public long Buyers { get; set; }
        public decimal Revenue { get; set; }
    }
}
