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

    private static async Task<IResult> OverviewAsync(LiveOverview overview, CancellationToken ct) =>
        Results.Json(await overview.GetAsync(ct));
}
