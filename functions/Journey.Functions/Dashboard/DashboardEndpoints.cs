using System.Text;
using System.Text.Json.Nodes;
using Journey.Application.Processing;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Serialization;

namespace Journey.Functions.Dashboard;

/// <summary>
/// The dashboard (at <c>/</c> and <c>/dashboard</c>; in Azure the <c>Dashboard</c> function serves
/// <c>/dashboard</c> behind the function key) and the two admin routes only it needs: the overview
/// (<c>GET /api/overview</c>) and the customer lookup (<c>GET /api/customers/{id}/view</c>).
/// </summary>
public static class DashboardEndpoints
{
    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", ServePage);
        app.MapGet("/dashboard", ServePage);
        var admin = app.MapGroup("/api").AddEndpointFilter(Admin.AdminEndpoints.RequireAdmin);
        admin.MapGet("/overview", OverviewAsync);
        admin.MapGet("/customers/{id}/view", CustomerViewAsync);
    }

    private static IResult ServePage(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = DashboardPage.ContentSecurityPolicy;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(DashboardPage.Html, "text/html; charset=utf-8");
    }

    private static async Task<IResult> CustomerViewAsync(string id, CustomerViews views, CancellationToken ct)
    {
        var view = await views.FindAsync(id, ct);
        if (view is null)
            return Results.Json(new Collector.ErrorBody($"No customer has the id '{id}' (neither as userId nor as anonymousId).", "id"), statusCode: StatusCodes.Status404NotFound);
        return Results.Text(ToJson(view).ToJsonString(), "application/json", Encoding.UTF8);
    }

    /// <summary>The view as JSON, each part in its document shape (<see cref="JourneyJson"/>).</summary>
    private static JsonObject ToJson(CustomerView view) => new()
    {
        ["customer"] = Node(view.Customer),
        ["transitions"] = new JsonArray([.. view.Transitions.Select(Node)]),
        ["sessions"] = new JsonArray([.. view.Sessions.Select(s => (JsonNode)new JsonObject
        {
            ["start"] = s.Start,
            ["end"] = s.End,
            ["channel"] = s.Channel,
            ["device"] = s.Device,
            ["events"] = new JsonArray([.. s.Events.Select(Node)]),
        })]),
        ["sessionsHeld"] = view.SessionsHeld,
        ["timelineCompacted"] = view.TimelineCompacted,
        ["feedback"] = new JsonArray([.. view.Feedback.Select(Node)]),
        ["actions"] = new JsonArray([.. view.Actions.Select(Node)]),
    };

    private static JsonNode? Node<T>(T value) => JsonNode.Parse(JourneyJson.SerializeToUtf8(value));

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
