using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Journey.Adapters.Stream.EventHubs;

/// <summary>
/// Settings of the Event Hubs producer (<see cref="EventHubsRestStream"/>). The connection comes
/// from the settings the Functions host uses for the Event Hubs trigger too, so one name serves
/// code, function.json and Bicep:
/// <list type="bullet">
/// <item><c>EventHubConnection</c>: a SAS connection string
/// (<c>Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…]</c>), or</item>
/// <item><c>EventHubConnection__fullyQualifiedNamespace</c> (+ <c>EventHubConnection__clientId</c> of a
/// user-assigned identity, + <c>EventHubConnection__credential=managedidentity</c>): Microsoft Entra
/// through Azure.Identity;</item>
/// <item><c>EventHubName</c>: the hub (default <c>journey-events</c>).</item>
/// </list>
/// The tuning knobs live in the configuration section <c>EventHubs</c> (see <see cref="FromConfiguration"/>).
/// </summary>
public sealed class EventHubsOptions
{
    public const string SectionName = "EventHubs";

    /// <summary>App setting: a SAS connection string; also the prefix of the identity-based settings.</summary>
    public const string ConnectionSetting = "EventHubConnection";

    /// <summary>App setting: the namespace host for Microsoft Entra auth.</summary>
    public const string NamespaceSetting = ConnectionSetting + "__fullyQualifiedNamespace";

    /// <summary>App setting: the client id of the user-assigned managed identity.</summary>
    public const string ClientIdSetting = ConnectionSetting + "__clientId";

    /// <summary>App setting: <c>managedidentity</c> to use a managed identity (the system-assigned one without a client id).</summary>
    public const string CredentialSetting = ConnectionSetting + "__credential";

    /// <summary>App setting: the event hub's name.</summary>
    public const string HubNameSetting = "EventHubName";

    public const string DefaultHubName = "journey-events";

    /// <summary>The Microsoft Entra scope of Event Hubs data-plane tokens.</summary>
    public const string TokenScope = "https://eventhubs.azure.net/.default";

    /// <summary>The Standard tier's limit on an event or a batch (1 MB).</summary>
    public const int ServiceBatchLimitBytes = 1_048_576;

    /// <summary>
    /// Default cap on one request's JSON body: about 48 KB under the 1 MB limit, room for the AMQP
    /// envelope the service wraps around each event. The body counted here (the event JSON escaped
    /// into a JSON string, plus the envelope) is already larger than what the hub stores.
    /// </summary>
    public const int DefaultMaxBatchBytes = 1_000_000;

    /// <summary>The longest micro-batching window allowed: a request waits at most this long for company.</summary>
    public static readonly TimeSpan MaxAllowedDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>The namespace host, e.g. <c>myns.servicebus.windows.net</c>. Taken from the connection string when empty.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The event hub. With a connection string that names an <c>EntityPath</c>, the two must agree.</summary>
    public string HubName { get; set; } = DefaultHubName;

    /// <summary>A SAS connection string; when set it wins over Microsoft Entra auth.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The client id of a user-assigned managed identity (Microsoft Entra auth).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Use a managed identity even without a client id (the system-assigned one); otherwise DefaultAzureCredential.</summary>
    public bool UseManagedIdentity { get; set; }

    /// <summary>Replaces <c>https://{namespace}</c> as the address requests go to (tests: an endpoint on loopback). Auth still names the namespace.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Cap on one request's JSON body in bytes (Basic tier: about 250,000).</summary>
    public int MaxBatchBytes { get; set; } = DefaultMaxBatchBytes;

    /// <summary>The micro-batching window: events appended within it share requests. At most 20 ms.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Timeout of one HTTP attempt; also sent as the request's <c>timeout</c> (whole seconds).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Attempts per request (the first one included) before the append fails.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Backoff before the second attempt; doubles per attempt, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap on any wait between attempts. A longer <c>Retry-After</c> ends the retries and is passed on to the caller.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests in flight at once (over all partition keys).</summary>
    public int MaxConcurrentRequests { get; set; } = 32;

    /// <summary>Lifetime of the SAS tokens signed from a connection string's key.</summary>
    public TimeSpan SasTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a failed send keeps <see cref="EventHubsRestStream.IsReachableAsync"/> false (unless a send succeeds first).</summary>
    public TimeSpan UnhealthyAfterFailure { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True when the configuration names an Event Hubs connection (<c>EventHubConnection</c> or
    /// <c>EventHubConnection__fullyQualifiedNamespace</c> non-empty): the composition root then uses
    /// <see cref="EventHubsRestStream"/> instead of the embedded log.
    /// </summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return NonEmpty(configuration[ConnectionSetting]) is not null || Setting(configuration, "fullyQualifiedNamespace") is not null;
    }

    /// <summary>
    /// Reads the options: the section <c>EventHubs</c> (tuning, and any property by its name), then
    /// the app settings <c>EventHubConnection</c>, <c>EventHubConnection__fullyQualifiedNamespace</c>,
    /// <c>EventHubConnection__clientId</c>, <c>EventHubConnection__credential</c> and <c>EventHubName</c>,
    /// which win. The <c>__</c> names are read both as configuration paths (<c>EventHubConnection:clientId</c>,
    /// what environment variables become) and literally.
    /// </summary>
    /// <exception cref="OptionsValidationException">The settings are missing or invalid; each message names the setting.</exception>
    public static EventHubsOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new EventHubsOptions();
        var section = configuration.GetSection(SectionName);
        if (section.Exists())
        {
            try
            {
                section.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                throw new OptionsValidationException(SectionName, typeof(EventHubsOptions), [$"{SectionName}: {ex.Message}"]);
            }
        }

        var problems = new List<string>();
        if (NonEmpty(configuration[ConnectionSetting]) is { } connectionString) options.ConnectionString = connectionString;
        if (Setting(configuration, "fullyQualifiedNamespace") is { } ns) options.FullyQualifiedNamespace = ns;
        if (Setting(configuration, "clientId") is { } clientId)
        {
            options.ManagedIdentityClientId = clientId;
            options.UseManagedIdentity = true;
        }

        if (Setting(configuration, "credential") is { } credential)
        {
            if (string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
                options.UseManagedIdentity = true;
            else
                problems.Add($"{CredentialSetting} must be 'managedidentity' or absent (was '{credential}').");
        }

        var hubSetting = NonEmpty(configuration[HubNameSetting]);
        if (hubSetting is not null) options.HubName = hubSetting;
        else if (options.ConnectionString is not null
                 && EventHubsConnectionString.TryParse(options.ConnectionString, out var parsed, out _)
                 && parsed.EntityPath is { } entityPath
                 && NonEmpty(section[nameof(HubName)]) is null)
        {
            // The connection string names the hub and nothing else does: take it.
            options.HubName = entityPath;
        }

        problems.AddRange(options.Validate());
        if (problems.Count > 0)
            throw new OptionsValidationException(SectionName, typeof(EventHubsOptions), problems);
        return options;
    }

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        string? nsFromConnection = null;
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            if (!EventHubsConnectionString.TryParse(ConnectionString, out var parsed, out var error))
            {
                problems.Add($"{ConnectionSetting} is not a valid Event Hubs connection string: {error}");
            }
            else
            {
                nsFromConnection = parsed.Namespace;
                if (parsed.EntityPath is { } entityPath && !string.Equals(entityPath, HubName, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{ConnectionSetting} names the event hub '{entityPath}' (EntityPath) but {HubNameSetting} is '{HubName}'.");
            }
        }

        if (!string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            if (NormalizeNamespace(FullyQualifiedNamespace) is not { } ns)
                problems.Add($"{NamespaceSetting} must be a host name such as 'myns.servicebus.windows.net' (was '{FullyQualifiedNamespace}').");
            else if (nsFromConnection is not null && !string.Equals(ns, nsFromConnection, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{NamespaceSetting} ('{ns}') and the Endpoint of {ConnectionSetting} ('{nsFromConnection}') name different namespaces.");
        }
        else if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add($"Event Hubs is not configured: set {ConnectionSetting} (a SAS connection string) or {NamespaceSetting} (Microsoft Entra auth).");
        }

        if (string.IsNullOrWhiteSpace(HubName) || HubName.Length > 256 || HubName.Any(c => c is '/' or '?' or '#' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c)))
            problems.Add($"{HubNameSetting} must be an event hub name (1-256 characters, no '/', '?', '#' or spaces; was '{HubName}').");
        if (Endpoint is not null && (!Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("http" or "https")))
            problems.Add($"{SectionName}:Endpoint must be an absolute http(s) address (was '{Endpoint}').");
        if (MaxBatchBytes is < 1024 or > ServiceBatchLimitBytes)
            problems.Add($"{SectionName}:MaxBatchBytes must be between 1024 and {ServiceBatchLimitBytes} (was {MaxBatchBytes}).");
        if (MaxDelay < TimeSpan.Zero || MaxDelay > MaxAllowedDelay)
            problems.Add($"{SectionName}:MaxDelay must be between 0 and {MaxAllowedDelay.TotalMilliseconds} ms (was {MaxDelay.TotalMilliseconds} ms).");
        if (Timeout < TimeSpan.FromMilliseconds(1) || Timeout > TimeSpan.FromMinutes(5))
            problems.Add($"{SectionName}:Timeout must be between 1 ms and 5 minutes (was {Timeout}).");
        if (MaxAttempts is < 1 or > 10)
            problems.Add($"{SectionName}:MaxAttempts must be between 1 and 10 (was {MaxAttempts}).");
        if (RetryDelay < TimeSpan.Zero)
            problems.Add($"{SectionName}:RetryDelay must not be negative (was {RetryDelay}).");
        if (MaxRetryDelay < RetryDelay)
            problems.Add($"{SectionName}:MaxRetryDelay ({MaxRetryDelay}) must not be less than RetryDelay ({RetryDelay}).");
        if (MaxConcurrentRequests is < 1 or > 1024)
            problems.Add($"{SectionName}:MaxConcurrentRequests must be between 1 and 1024 (was {MaxConcurrentRequests}).");
        if (SasTokenLifetime < TimeSpan.FromMinutes(10) || SasTokenLifetime > TimeSpan.FromDays(7))
            problems.Add($"{SectionName}:SasTokenLifetime must be between 10 minutes and 7 days (was {SasTokenLifetime}).");
        if (UnhealthyAfterFailure < TimeSpan.Zero)
            problems.Add($"{SectionName}:UnhealthyAfterFailure must not be negative (was {UnhealthyAfterFailure}).");
        return problems;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem, if there are any.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
            throw new OptionsValidationException(SectionName, typeof(EventHubsOptions), problems);
    }

    /// <summary>
    /// The namespace host the options resolve to (the setting, else the connection string's
    /// Endpoint), lower-cased. Only valid on options that passed <see cref="Validate"/>.
    /// </summary>
    internal string ResolveNamespace()
    {
        if (!string.IsNullOrWhiteSpace(FullyQualifiedNamespace) && NormalizeNamespace(FullyQualifiedNamespace) is { } ns) return ns;
        if (ConnectionString is not null && EventHubsConnectionString.TryParse(ConnectionString, out var parsed, out _)) return parsed.Namespace;
        throw new InvalidOperationException($"Event Hubs is not configured: set {ConnectionSetting} or {NamespaceSetting}.");
    }

    /// <summary>A host name from <c>myns.servicebus.windows.net</c>, <c>sb://myns…/</c> or <c>https://myns…/</c>; null when it is none.</summary>
    internal static string? NormalizeNamespace(string value)
    {
        var text = value.Trim();
        if (!text.Contains("://", StringComparison.Ordinal)) text = "sb://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.HostNameType != UriHostNameType.Dns && uri.HostNameType != UriHostNameType.IPv4) return null;
        if (uri.AbsolutePath is not ("/" or "") || !string.IsNullOrEmpty(uri.Query)) return null;
        return uri.IsDefaultPort || uri.Port < 0 ? uri.Host.ToLowerInvariant() : $"{uri.Host.ToLowerInvariant()}:{uri.Port}";
    }

    private static string? Setting(IConfiguration configuration, string name) =>
        NonEmpty(configuration[$"{ConnectionSetting}:{name}"]) ?? NonEmpty(configuration[$"{ConnectionSetting}__{name}"]);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Validates <see cref="EventHubsOptions"/> at start (<c>ValidateOnStart</c>).</summary>
public sealed class EventHubsOptionsValidator : IValidateOptions<EventHubsOptions>
{
    public ValidateOptionsResult Validate(string? name, EventHubsOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
