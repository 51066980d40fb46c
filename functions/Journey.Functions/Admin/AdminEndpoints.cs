using System.Net;
using System.Security.Cryptography;
using System.Text;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Serialization;
using Journey.Functions.Collector;
using Microsoft.Extensions.Options;

namespace Journey.Functions.Admin;

/// <summary>
/// The admin API. In Azure the Functions host checks the function key before proxying the
/// request (auth level <c>function</c>); locally a configured <c>Admin:ApiKey</c> is required
/// (header <c>x-functions-key</c>, <c>?code=</c> or a bearer token), or, with none configured,
/// the request must come from loopback.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api").AddEndpointFilter(RequireAdmin);
        admin.MapGet("/customers/{id}", GetCustomerAsync);
        admin.MapGet("/customers/{id}/transitions", GetTransitionsAsync);
    }

    private static async Task<IResult> GetCustomerAsync(string id, bool? journey, CustomerLookup lookup, CancellationToken ct)
    {
        var stored = await lookup.FindAsync(id, ct);
        if (stored is null) return NotFound(id);
        var doc = stored.Document;
        if (journey != true) doc.Journey = new JourneyState { Transitions = doc.Journey.Transitions, Positions = doc.Journey.Positions };
        return Results.Text(JourneyJson.Serialize(doc), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> GetTransitionsAsync(string id, ITransitionStore transitions, CustomerLookup lookup, CancellationToken ct)
    {
        var stored = await lookup.FindAsync(id, ct);
        if (stored is null) return NotFound(id);
        var list = await transitions.ListAsync(stored.Document.Id, ct);
        return Results.Text(JourneyJson.Serialize(list.ToList()), "application/json", Encoding.UTF8);
    }

    private static IResult NotFound(string id) =>
        Results.Json(new ErrorBody($"No customer has the id '{id}' (neither as userId nor as anonymousId).", "id"), statusCode: StatusCodes.Status404NotFound);

    internal static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value;
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            var remote = http.Connection.RemoteIpAddress;
            if (remote is null || IPAddress.IsLoopback(remote)) return await next(context);
            return Results.Json(new ErrorBody("The admin API answers on loopback only until Admin:ApiKey is configured.", "Admin:ApiKey"), statusCode: StatusCodes.Status401Unauthorized);
        }

        var presented = http.Request.Headers["x-functions-key"].FirstOrDefault()
            ?? http.Request.Query["code"].FirstOrDefault()
            ?? BearerToken(http.Request.Headers.Authorization.FirstOrDefault());
        if (presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(options.ApiKey)))
            return await next(context);
        return Results.Json(new ErrorBody("A valid admin key is required (x-functions-key header, ?code= or Authorization: Bearer).", "x-functions-key"), statusCode: StatusCodes.Status401Unauthorized);
    }

    private static string? BearerToken(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
}
