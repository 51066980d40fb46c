using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Ports;

namespace Journey.Functions.Hosting;

/// <summary><c>GET /health</c>: live, and ready when the stream accepts writes and the store answers.</summary>
public static class HealthEndpoint
{
    public static void MapHealth(this IEndpointRouteBuilder app) => app.MapGet("/health", async (IEventStream stream, IStoreHealth store, IServiceProvider services, CancellationToken ct) =>
    {
        var streamOk = await stream.IsReachableAsync(ct);
        var storeOk = await store.IsReachableAsync(ct);
        var dispatcher = services.GetService<EmbeddedStreamDispatcher>()?.GetStatus();
        var suppressions = services.GetService<Journey.Application.Privacy.SuppressionList>();
        var bots = services.GetService<Journey.Functions.Collector.CollectorService>()?.Bots;
        var body = new
        {
            status = streamOk && storeOk ? "healthy" : "unhealthy",
            stream = streamOk ? "reachable" : "unreachable",
            store = storeOk ? "reachable" : "unreachable",
            processor = dispatcher is null ? null : new { dispatcher.EventsProcessed, dispatcher.Batches, dispatcher.Lag },
            suppression = suppressions is null ? null : new { entries = suppressions.Entries, eventsDropped = suppressions.EventsDropped },
            // Hits the collector classed as bots since this instance started (kept out of journeys), per reason.
            bots = bots is null ? null : new { total = bots.Total, byReason = bots.ByReason() },
        };
        return Results.Json(body, statusCode: streamOk && storeOk ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    });
}
