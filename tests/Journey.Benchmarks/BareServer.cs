namespace Journey.Benchmarks;

/// <summary>The baseline of the collector benchmark: a bare ASP.NET Core app whose routes only answer 204.</summary>
public static class BareServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        app.MapGet("/i", () => Results.NoContent());
        app.MapPost("/v1/batch", async (HttpRequest request) =>
        {
            // read the body, as the collector must, then answer
            await request.Body.CopyToAsync(Stream.Null);
            return Results.NoContent();
        });
        await app.RunAsync();
        return 0;
    }
}
