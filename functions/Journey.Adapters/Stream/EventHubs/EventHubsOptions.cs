using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Stream.EventHubs;

/// <summary>
/// Settings of the Event Hubs producer (<see cref="EventHubsProducer"/>). The connection comes from
/// the settings the Functions host reads for the Event Hubs trigger, so one name serves the code,
/// function.json and Bicep:
/// <list type="bullet">
/// <item><c>EventHubConnection</c>: a connection string (<c>Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…]</c>,
/// or the emulator's <c>…;UseDevelopmentEmulator=true</c>), for local and test runs only, or</item>
/// <item><c>EventHubConnection__fullyQualifiedNamespace</c>: Microsoft Entra with the app's one
/// <c>TokenCredential</c> (built from <c>EventHubConnection__credential</c> and <c>…__clientId</c>, see
/// <see cref="Identity.AzureIdentityOptions"/>);</item>
/// <item><c>EventHubName</c>: the hub (default <c>journey-events</c>).</item>
/// </list>
/// The section <c>EventHubs</c> holds the tuning: the SDK's retry policy (bounded, so that a collector
/// request is answered within seconds, not minutes), what <c>Retry-After</c> clients are told, and the
/// health probe.
/// </summary>
public sealed class EventHubsOptions
{
    public const string SectionName = "EventHubs";

    /// <summary>App setting: a connection string; also the prefix of the identity-based settings.</summary>
    public const string ConnectionSetting = "EventHubConnection";

    /// <summary>App setting: the namespace host for Microsoft Entra auth.</summary>
    public const string NamespaceSetting = ConnectionSetting + "__fullyQualifiedNamespace";

    /// <summary>App setting: the client id of the user-assigned managed identity (read by <see cref="Identity.AzureIdentityOptions"/>).</summary>
    public const string ClientIdSetting = ConnectionSetting + "__clientId";

    /// <summary>App setting: <c>managedidentity</c> to use a managed identity (read by <see cref="Identity.AzureIdentityOptions"/>).</summary>
    public const string CredentialSetting = ConnectionSetting + "__credential";

    /// <summary>App setting: the event hub's name.</summary>
    public const string HubNameSetting = "EventHubName";

    public const string DefaultHubName = "journey-events";

    /// <summary>
    /// The longest a send with all its retries may hold a collector request. The Functions host cuts an
    /// HTTP request at 230 s; a client (analytics.js, a server SDK) gives up much sooner and retries on
    /// its own, so waiting longer than this only holds connections.
    /// </summary>
    public static readonly TimeSpan MaxWorstCaseSend = TimeSpan.FromSeconds(120);

    /// <summary>The namespace host, e.g. <c>myns.servicebus.windows.net</c>. Taken from the connection string when empty.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The event hub. With a connection string that names an <c>EntityPath</c>, the two must agree.</summary>
    public string HubName { get; set; } = DefaultHubName;

    /// <summary>A connection string; when set it wins over Microsoft Entra auth (local and test runs: the namespace in Azure has local auth disabled).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Retries of one send (or batch creation, or property read) after its first attempt; the SDK backs off exponentially between them.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The SDK's first backoff; it doubles per retry (with jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap on one backoff.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one attempt may take (the SDK's <c>TryTimeout</c>, 60 s by default there). Ten seconds
    /// leave room for a cold start (AMQP connection, a managed identity token, the link) and keep a
    /// request that meets an unreachable hub from being held for minutes.
    /// </summary>
    public TimeSpan TryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The <c>Retry-After</c> the collector's clients are told when a send failed after its retries.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Batches of one append (one per profile key, for a request holding several profiles) in flight at once.</summary>
    public int MaxConcurrentSends { get; set; } = 16;

    /// <summary>How long <c>/health</c>'s probe of the hub (its properties) may take before the stream counts as unreachable.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a probe's answer, or the outcome of the last append, stands for the stream's health.</summary>
    public TimeSpan HealthCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>True when a connection string is set (it wins over the namespace).</summary>
    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>
    /// The worst case of one send with its retries: every attempt timing out, with the backoffs between
    /// them (jitter left out).
    /// </summary>
    public TimeSpan WorstCaseSend
    {
        get
        {
            var total = TryTimeout.TotalSeconds * (MaxRetries + 1.0);
            for (var i = 0; i < MaxRetries; i++)
                total += Math.Min(RetryDelay.TotalSeconds * Math.Pow(2, i), MaxRetryDelay.TotalSeconds);
            return TimeSpan.FromSeconds(total);
        }
    }

    /// <summary>
    /// True when the configuration names an Event Hubs connection (<c>EventHubConnection</c> or
    /// <c>EventHubConnection__fullyQualifiedNamespace</c> non-empty): the composition root then uses
    /// <see cref="EventHubsProducer"/> instead of the embedded log.
    /// </summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return NonEmpty(configuration[ConnectionSetting]) is not null || Setting(configuration, "fullyQualifiedNamespace") is not null;
    }

    /// <summary>The options from configuration without validating them: the section <c>EventHubs</c>, then the connection settings (<see cref="ApplyConnectionSettings"/>).</summary>
    public static EventHubsOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new EventHubsOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.ApplyConnectionSettings(configuration);
        return options;
    }

    /// <summary>
    /// Takes the app settings <c>EventHubConnection</c>, <c>EventHubConnection__fullyQualifiedNamespace</c> and
    /// <c>EventHubName</c> where present (the names the Functions host and Bicep use, outside the section);
    /// they win over the section. The <c>__</c> names are read both as configuration paths
    /// (<c>EventHubConnection:fullyQualifiedNamespace</c>, what environment variables become) and literally.
    /// Without <c>EventHubName</c>, a connection string's <c>EntityPath</c> names the hub unless the section does.
    /// </summary>
    public void ApplyConnectionSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (NonEmpty(configuration[ConnectionSetting]) is { } connectionString) ConnectionString = connectionString;
        if (Setting(configuration, "fullyQualifiedNamespace") is { } ns) FullyQualifiedNamespace = ns;
        if (NonEmpty(configuration[HubNameSetting]) is { } hub) HubName = hub;
        else if (NonEmpty(configuration.GetSection(SectionName)[nameof(HubName)]) is null && TryParseConnectionString(out var parsed, out _) && NonEmpty(parsed.EventHubName) is { } entityPath)
            HubName = entityPath;
    }

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        ValidateConnection(ConnectionString, FullyQualifiedNamespace, HubName, new(ConnectionSetting, NamespaceSetting, HubNameSetting), problems);
        if (MaxRetries is < 0 or > 10)
            problems.Add($"{SectionName}:MaxRetries must be between 0 and 10 (was {MaxRetries}).");
        if (RetryDelay < TimeSpan.FromMilliseconds(1) || RetryDelay > TimeSpan.FromMinutes(1))
            problems.Add($"{SectionName}:RetryDelay must be between 1 ms and 1 minute (was {RetryDelay}).");
        if (MaxRetryDelay < RetryDelay || MaxRetryDelay > TimeSpan.FromMinutes(1))
            problems.Add($"{SectionName}:MaxRetryDelay must be between RetryDelay ({RetryDelay}) and 1 minute (was {MaxRetryDelay}).");
        if (TryTimeout < TimeSpan.FromMilliseconds(100) || TryTimeout > TimeSpan.FromMinutes(2))
            problems.Add($"{SectionName}:TryTimeout must be between 100 ms and 2 minutes (was {TryTimeout}).");
        else if (problems.Count == 0 && WorstCaseSend > MaxWorstCaseSend)
            problems.Add($"{SectionName}:TryTimeout ({TryTimeout}) × {SectionName}:MaxRetries ({MaxRetries} + the first attempt), with the backoffs, would hold a collector request up to {WorstCaseSend.TotalSeconds:0} s; keep it within {MaxWorstCaseSend.TotalSeconds:0} s.");
        if (RetryAfter < TimeSpan.FromSeconds(1) || RetryAfter > TimeSpan.FromMinutes(10))
            problems.Add($"{SectionName}:RetryAfter must be between 1 second and 10 minutes (was {RetryAfter}).");
        if (MaxConcurrentSends is < 1 or > 256)
            problems.Add($"{SectionName}:MaxConcurrentSends must be between 1 and 256 (was {MaxConcurrentSends}).");
        if (HealthTimeout < TimeSpan.FromMilliseconds(100) || HealthTimeout > TimeSpan.FromMinutes(1))
            problems.Add($"{SectionName}:HealthTimeout must be between 100 ms and 1 minute (was {HealthTimeout}).");
        if (HealthCacheDuration < TimeSpan.Zero || HealthCacheDuration > TimeSpan.FromMinutes(5))
            problems.Add($"{SectionName}:HealthCacheDuration must be between 0 and 5 minutes (was {HealthCacheDuration}).");
        return problems;
    }

    /// <summary>
    /// The checks of a connection to one event hub (a connection string, or a namespace for Microsoft Entra auth, and the
    /// hub's name), each problem naming the setting of <paramref name="settings"/>: shared by the stream and by the other
    /// producers of the app (the actions' hub), which have settings of their own.
    /// </summary>
    internal static void ValidateConnection(string? connectionString, string? fullyQualifiedNamespace, string? hubName, ConnectionSettingNames settings, List<string> problems)
    {
        string? nsFromConnection = null;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            if (!TryParseConnectionString(connectionString, out var parsed, out var error))
            {
                problems.Add($"{settings.Connection} is not a valid Event Hubs connection string: {error}");
            }
            else
            {
                nsFromConnection = parsed.FullyQualifiedNamespace;
                if (NonEmpty(parsed.EventHubName) is { } entityPath && !string.Equals(entityPath, hubName, StringComparison.Ordinal))
                    problems.Add($"{settings.Connection} names the event hub '{entityPath}' (EntityPath) but {settings.Hub} is '{hubName}'.");
            }
        }

        if (!string.IsNullOrWhiteSpace(fullyQualifiedNamespace))
        {
            if (NormalizeNamespace(fullyQualifiedNamespace) is not { } ns)
                problems.Add($"{settings.Namespace} must be a host name such as 'myns.servicebus.windows.net' (was '{fullyQualifiedNamespace}').");
            else if (nsFromConnection is not null && !string.Equals(ns, nsFromConnection, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{settings.Namespace} ('{ns}') and the Endpoint of {settings.Connection} ('{nsFromConnection}') name different namespaces.");
        }
        else if (string.IsNullOrWhiteSpace(connectionString))
        {
            problems.Add($"Event Hubs is not configured: set {settings.Connection} (a connection string, local and test runs) or {settings.Namespace} (Microsoft Entra auth).");
        }

        if (string.IsNullOrWhiteSpace(hubName) || hubName.Length > 256 || hubName.Any(c => c is '/' or '?' or '#' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c)))
            problems.Add($"{settings.Hub} must be an event hub name (1-256 characters, no '/', '?', '#' or spaces; was '{hubName}').");
    }

    /// <summary>
    /// The namespace host the options resolve to (the setting, else the connection string's
    /// Endpoint), lower-cased. Only valid on options that passed <see cref="Validate"/>.
    /// </summary>
    public string ResolveNamespace()
    {
        if (!string.IsNullOrWhiteSpace(FullyQualifiedNamespace) && NormalizeNamespace(FullyQualifiedNamespace) is { } ns) return ns;
        if (TryParseConnectionString(out var parsed, out _)) return parsed.FullyQualifiedNamespace.ToLowerInvariant();
        throw new InvalidOperationException($"Event Hubs is not configured: set {ConnectionSetting} or {NamespaceSetting}.");
    }

    /// <summary>The connection string parsed by the SDK's own parser; the error names no key.</summary>
    internal bool TryParseConnectionString(out EventHubsConnectionStringProperties properties, out string error) =>
        TryParseConnectionString(ConnectionString, out properties, out error);

    /// <summary>A connection string parsed by the SDK's own parser; the error names no key.</summary>
    internal static bool TryParseConnectionString(string? connectionString, out EventHubsConnectionStringProperties properties, out string error)
    {
        properties = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = "it is empty.";
            return false;
        }

        try
        {
            properties = EventHubsConnectionStringProperties.Parse(connectionString);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // The SDK's messages name the missing part, never the key's value.
            error = ex.Message;
            return false;
        }

        if (properties.Endpoint is null || string.IsNullOrEmpty(properties.FullyQualifiedNamespace))
        {
            error = "it has no Endpoint.";
            return false;
        }

        var hasKey = !string.IsNullOrEmpty(properties.SharedAccessKeyName) && !string.IsNullOrEmpty(properties.SharedAccessKey);
        if (!hasKey && string.IsNullOrEmpty(properties.SharedAccessSignature))
        {
            error = "it needs SharedAccessKeyName and SharedAccessKey, or a SharedAccessSignature.";
            return false;
        }

        return true;
    }

    /// <summary>A host name from <c>myns.servicebus.windows.net</c>, <c>sb://myns…/</c> or <c>https://myns…/</c>; null when it is none.</summary>
    internal static string? NormalizeNamespace(string value)
    {
        var text = value.Trim();
        if (!text.Contains("://", StringComparison.Ordinal)) text = "sb://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4)) return null;
        if (uri.AbsolutePath is not ("/" or "") || !string.IsNullOrEmpty(uri.Query) || !uri.IsDefaultPort && uri.Port > 0) return null;
        return uri.Host.ToLowerInvariant();
    }

    private static string? Setting(IConfiguration configuration, string name) =>
        NonEmpty(configuration[$"{ConnectionSetting}:{name}"]) ?? NonEmpty(configuration[$"{ConnectionSetting}__{name}"]);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The names of the settings of one event hub connection, for the problems <see cref="EventHubsOptions.ValidateConnection"/> finds.</summary>
internal readonly record struct ConnectionSettingNames(string Connection, string Namespace, string Hub);
