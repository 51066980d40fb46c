using System.Text.Json.Nodes;
using Journey.Functions.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Journey.Functions.Tests.Deployment;

/// <summary>
/// In Azure a request reaches the app only through a function.json route: every HTTP route the app maps
/// must be covered by one with the same method, or it answers 404 there (the unsubscribe link did).
/// </summary>
public sealed class FunctionRoutesTests
{
    /// <summary>Routes that exist only locally: the dashboard's root (in Azure it is /dashboard, the host owns /).</summary>
    private static readonly string[] LocalOnly = ["/"];

    [Fact]
    public async Task EveryHttpRouteOfTheApp_HasAFunctionThatForwardsIt()
    {
        await using var app = await TestApp.StartAsync();
        var functions = FunctionRoutes();
        var invocations = functions.Where(f => f.Route is null).Select(f => "/" + f.Name).ToHashSet(StringComparer.Ordinal);

        var uncovered = new List<string>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (LocalOnly.Contains(pattern) || invocations.Contains(pattern)) continue;
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods.Where(m => m != "OPTIONS")) // the host answers preflight from the site's CORS setting
            {
                if (!functions.Any(f => f.Route is not null && f.Methods.Contains(method, StringComparer.OrdinalIgnoreCase) && Covers(f.Route, pattern)))
                    uncovered.Add($"{method} {pattern}");
            }
        }
        Assert.Empty(uncovered);
    }

    /// <summary>A function route covers an app route when their literal segments agree up to a catch-all.</summary>
    private static bool Covers(string functionRoute, string appPattern)
    {
        var f = functionRoute.Trim('/').Split('/');
        var a = appPattern.Trim('/').Split('/');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i].StartsWith("{*", StringComparison.Ordinal)) return a.Length > i;
            if (i >= a.Length) return false;
            if (!f[i].StartsWith('{') && !a[i].StartsWith('{') && !string.Equals(f[i], a[i], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return f.Length == a.Length;
    }

    private sealed record FunctionRoute(string Name, string? Route, string[] Methods);

    private static List<FunctionRoute> FunctionRoutes()
    {
        var folder = Path.Combine(RepoPaths.Root, "functions", "Journey.Functions", "FunctionApp");
        return [.. Directory.GetDirectories(folder).Select(dir =>
        {
            var trigger = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "function.json")))!["bindings"]!.AsArray()[0]!;
            var http = (string?)trigger["type"] == "httpTrigger";
            return new FunctionRoute(
                Path.GetFileName(dir),
                http ? (string?)trigger["route"] ?? Path.GetFileName(dir) : null,
                http ? [.. trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant())] : ["POST"]);
        })];
    }
}
