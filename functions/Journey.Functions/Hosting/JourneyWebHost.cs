using System.Globalization;
using Journey.Functions.Admin;
using Journey.Functions.Collector;
using Journey.Functions.Dashboard;
using Journey.Functions.Invocations;

using Journey.Functions.Privacy;

namespace Journey.Functions.Hosting;

/// <summary>
/// The web host: locally on http://localhost:7071, or, when the Azure Functions host starts it as
/// a custom handler, on the loopback port it passes in <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>.
/// </summary>
public static class JourneyWebHost
{
    public const string DefaultUrl = "http://localhost:7071";
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var app = Build(commandLine);
        JourneyOptions.ValidateNow(app.Services); // every setting checked before anything starts: one clear message, no half-started app
        await app.RunAsync();
        return 0;
    }

    /// <summary>Builds the app: the composition root, telemetry, CORS and the endpoints.</summary>
    /// <param name="commandLine">The parsed command line.</param>
    /// <param name="configureServices">Runs after the app's own registrations (tests replace services here, e.g. the clock).</param>
    public static WebApplication Build(CommandLine commandLine, Action<IServiceCollection>? configureServices = null)
    {
        // appsettings.json sits beside the app, whatever folder it is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = commandLine.HostArguments, ContentRootPath = AppContext.BaseDirectory });
        if (commandLine.DataDirectory is not null) builder.Configuration[JourneyComposition.DataDirectoryKey] = commandLine.DataDirectory;

        var customHandlerPort = Environment.GetEnvironmentVariable(CustomHandlerPortVariable);
        if (!string.IsNullOrEmpty(customHandlerPort))
        {
            if (!int.TryParse(customHandlerPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                throw new InvalidOperationException($"{CustomHandlerPortVariable} must be a port number (was '{customHandlerPort}').");
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
        });

        // The demo has no destination: its actions are recorded so every rule shows what it would do.
        if (commandLine.Demo && string.IsNullOrEmpty(builder.Configuration[JourneyComposition.RecordActionsKey]))
            builder.Configuration[JourneyComposition.RecordActionsKey] = "true";
        builder.Services.AddJourney(builder.Configuration);
        builder.Services.AddJourneyTelemetry(builder.Logging, builder.Configuration);
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<Microsoft.Extensions.Options.IOptions<CollectorOptions>>((cors, collector) =>
            cors.AddPolicy(CollectorEndpoints.CorsPolicy, policy =>
            {
                // Never "*": browsers refuse it for credentialed requests (fetch with credentials: 'include',
                // sendBeacon with a JSON Blob). The allowed origin is reflected with Allow-Credentials
                // and Vary: Origin; an open collector (no origins listed) reflects any origin.
                var origins = collector.Value.Origins();
                if (origins.Length == 0) policy.SetIsOriginAllowed(static _ => true);
                else policy.WithOrigins(origins);
                policy.AllowCredentials().AllowAnyHeader().WithMethods("GET", "POST", "OPTIONS")
                    .WithExposedHeaders(BotHits.Header).SetPreflightMaxAge(TimeSpan.FromDays(1));
            }));
        if (commandLine.Demo) builder.Services.AddHostedService<Demo.DemoShop>();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseCors();
        app.MapCollector();
        app.MapUnsubscribe();
        app.MapAdmin();
        app.MapPrivacy();
        app.MapHealth();
        app.MapDashboard();
        app.MapInvocations();
        return app;
    }
}
