using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Journey.Adapters.Identity;
using Journey.Domain.Telemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Journey.Functions.Hosting;

/// <summary>
/// Who listens to the <see cref="JourneyMetrics"/> instruments and where the logs go:
/// <list type="bullet">
/// <item><c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> set (Azure): OpenTelemetry exports the Journey
/// metrics and the app's structured logs to Application Insights with the Azure Monitor exporter,
/// authenticated with Entra when <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> says
/// <c>Authorization=AAD</c> (customMetrics and traces tables).</item>
/// <item><c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set: the same metrics and logs go over OTLP (an
/// OpenTelemetry Collector, Aspire dashboard, Grafana…), configured by the standard OTEL_* variables.</item>
/// <item>Neither (local): <see cref="TelemetrySummary"/> logs what the instruments counted every
/// <c>Telemetry__SummaryInterval</c> (default one minute) to the console.</item>
/// </list>
/// </summary>
public static class Telemetry
{
    /// <summary>The service name on exported telemetry (cloud_RoleName in Application Insights) unless OTEL_SERVICE_NAME says otherwise.</summary>
    public const string ServiceName = "journey";

    /// <summary>Configuration key of the summary interval (<c>Telemetry__SummaryInterval</c>; <c>00:00:00</c> turns it off).</summary>
    public const string SummaryIntervalKey = "Telemetry:SummaryInterval";

    public static TimeSpan DefaultSummaryInterval { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Where telemetry goes under <paramref name="configuration"/>.</summary>
    public static TelemetryPlan Plan(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var appInsights = NonEmpty(configuration[SettingNames.ApplicationInsightsConnectionString]);
        var otlp = NonEmpty(configuration[SettingNames.OtlpEndpoint]);
        var exporting = appInsights is not null || otlp is not null;
        var configured = configuration[SummaryIntervalKey];
        TimeSpan summary;
        if (string.IsNullOrWhiteSpace(configured)) summary = exporting ? TimeSpan.Zero : DefaultSummaryInterval;
        else if (!TimeSpan.TryParse(configured, System.Globalization.CultureInfo.InvariantCulture, out summary) || summary < TimeSpan.Zero)
            throw new InvalidOperationException($"{SettingNames.TelemetrySummaryInterval} must be a time span such as 00:01:00 (00:00:00 turns the summary off); it was '{configured}'.");
        return new TelemetryPlan(appInsights, NonEmpty(configuration[SettingNames.ApplicationInsightsAuthenticationString]), otlp, summary);
    }

    public static IServiceCollection AddJourneyTelemetry(this IServiceCollection services, ILoggingBuilder logging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(logging);
        var plan = Plan(configuration);
        if (plan.SummaryInterval > TimeSpan.Zero)
            services.AddHostedService(sp => new TelemetrySummary(plan.SummaryInterval, sp.GetRequiredService<ILogger<TelemetrySummary>>()));
        if (!plan.Exports) return services;

        // Entra ingestion signs in with the app's one credential (JourneyComposition), the identity the
        // authentication string names: the exporters read their options from the container.
        if (plan.AppInsightsConnectionString is not null && UsesEntra(plan.AppInsightsAuthenticationString))
            services.AddOptions<AzureMonitorExporterOptions>().Configure<TokenCredential>((o, credential) => o.Credential = credential);
        void AzureMonitor(AzureMonitorExporterOptions o) => o.ConnectionString = plan.AppInsightsConnectionString;

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(JourneyMetrics.MeterName);
                if (plan.AppInsightsConnectionString is not null) metrics.AddAzureMonitorMetricExporter(AzureMonitor);
                if (plan.OtlpEndpoint is not null) metrics.AddOtlpExporter();
            })
            .WithLogging(logs =>
            {
                if (plan.AppInsightsConnectionString is not null) logs.AddAzureMonitorLogExporter(AzureMonitor);
                if (plan.OtlpEndpoint is not null) logs.AddOtlpExporter();
            }, options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = true;
            });

        // In Azure the host also forwards the handler's stdout to its own logs; with the exporter
        // carrying the structured logs, the console keeps warnings and errors only (Log stream).
        if (plan.AppInsightsConnectionString is not null)
            logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= LogLevel.Warning);
        return services;
    }

    /// <summary>Whether APPLICATIONINSIGHTS_AUTHENTICATION_STRING asks for Entra ingestion (<c>Authorization=AAD</c>).</summary>
    public static bool UsesEntra(string? authenticationString) =>
        AzureIdentityOptions.AuthenticationStringParts(authenticationString).TryGetValue("Authorization", out var kind) && kind.Equals("AAD", StringComparison.OrdinalIgnoreCase);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>Where telemetry goes: the exporters configured and the local summary's interval (zero: off).</summary>
public sealed record TelemetryPlan(string? AppInsightsConnectionString, string? AppInsightsAuthenticationString, string? OtlpEndpoint, TimeSpan SummaryInterval)
{
    public bool Exports => AppInsightsConnectionString is not null || OtlpEndpoint is not null;
}
