using System.Text;
using Journey.Application.Privacy;
using Journey.Functions.Admin;
using Journey.Functions.Collector;

namespace Journey.Functions.Privacy;

/// <summary>
/// <c>DELETE /api/customers/{id}</c> (erasure) and <c>GET /api/customers/{id}/export</c> (everything held about
/// the person), admin API routes: the same key as the others (<see cref="AdminEndpoints"/>), and in Azure the
/// <c>Admin</c> function (route <c>api/{*path}</c>, methods get, post and delete) proxies them. The id may be the
/// customer document id, a userId or an anonymousId, merged ones included. See docs/privacy.md.
/// </summary>
public static class PrivacyEndpoints
{
    /// <summary>The longest id the stores can hold (Cosmos DB: 1023 bytes of UTF-8).</summary>
    private const int MaxIdBytes = 1023;

    public static void MapPrivacy(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api").AddEndpointFilter(AdminEndpoints.RequireAdmin);
        admin.MapDelete("/customers/{id}", EraseAsync);
        admin.MapGet("/customers/{id}/export", ExportAsync);
    }

    /// <summary>200 with what was erased per container; 404 when no customer has the id (also for a second erasure: the person is gone, their suppression entries stay).</summary>
    private static async Task<IResult> EraseAsync(string id, CustomerErasure erasure, CancellationToken ct)
    {
        if (Invalid(id) is { } invalid) return invalid;
        var counts = await erasure.EraseAsync(id, ct);
        if (counts is null) return NotFound(id);
        var body = new
        {
            id,
            erased = new
            {
                customers = counts.Customers,
                transitions = counts.Transitions,
                feedback = counts.Feedback,
                actions = counts.Actions,
                predictions = counts.Predictions,
                deadletter = counts.DeadLetters,
                painpointQuotes = counts.PainPointQuotes,
                clvTopEntries = counts.ClvTopEntries,
            },
            suppressions = counts.Suppressions,
        };
        return Results.Json(body);
    }

    /// <summary>200 with one JSON document, as an attachment (<c>journey-export.json</c>); 404 when no customer has the id.</summary>
    private static async Task<IResult> ExportAsync(string id, CustomerErasure erasure, HttpContext http, CancellationToken ct)
    {
        if (Invalid(id) is { } invalid) return invalid;
        var export = await erasure.ExportAsync(id, ct);
        if (export is null) return NotFound(id);
        http.Response.Headers.ContentDisposition = "attachment; filename=\"journey-export.json\"";
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(export.ToJsonString(Domain.Serialization.JourneyJson.Options), "application/json", Encoding.UTF8);
    }

    private static IResult? Invalid(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || Encoding.UTF8.GetByteCount(id) > MaxIdBytes || id.AsSpan().IndexOfAny("/\\?#") >= 0 || id.Any(char.IsControl))
            return Results.Json(new ErrorBody($"'{(id.Length > 40 ? id[..40] + "…" : id)}' is not a customer id: ids are 1 to {MaxIdBytes} bytes without '/', '\\', '?', '#' or control characters.", "id"), statusCode: StatusCodes.Status400BadRequest);
        return null;
    }

    private static IResult NotFound(string id) =>
        Results.Json(new ErrorBody($"No customer has the id '{id}' (neither as userId nor as anonymousId).", "id"), statusCode: StatusCodes.Status404NotFound);
}
