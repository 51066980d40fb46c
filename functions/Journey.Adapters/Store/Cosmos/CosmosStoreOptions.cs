using System.Data.Common;
using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>
/// Options of <see cref="CosmosJourneyStore"/>: where the account is, how to authenticate, and the
/// database and container names. Bound from the section <c>Cosmos</c>; the connection itself comes
/// from the same settings the Functions host uses for identity-based connections
/// (<see cref="FromConfiguration"/>).
/// </summary>
public sealed class CosmosStoreOptions
{
    /// <summary>The configuration section the names and tuning options are bound from.</summary>
    public const string SectionName = "Cosmos";

    /// <summary>App setting holding a key-based connection string (<c>AccountEndpoint=…;AccountKey=…;</c>).</summary>
    public const string ConnectionStringSetting = "CosmosConnection";

    /// <summary>App setting holding the account endpoint for Entra (managed identity) access.</summary>
    public const string AccountEndpointSetting = "CosmosConnection__accountEndpoint";

    /// <summary>App setting holding the client id of the user-assigned managed identity.</summary>
    public const string ClientIdSetting = "CosmosConnection__clientId";

    /// <summary>The database; created when missing (with <see cref="CreateIfMissing"/>).</summary>
    public string DatabaseName { get; set; } = "journey";

    public string CustomersContainer { get; set; } = CosmosContainers.Customers.Name;

    public string TransitionsContainer { get; set; } = CosmosContainers.Transitions.Name;

    public string MetricsContainer { get; set; } = CosmosContainers.Metrics.Name;

    public string PainPointsContainer { get; set; } = CosmosContainers.PainPoints.Name;

    public string FeedbackContainer { get; set; } = CosmosContainers.Feedback.Name;

    public string ActionsContainer { get; set; } = CosmosContainers.Actions.Name;

    public string SuppressionsContainer { get; set; } = CosmosContainers.Suppressions.Name;

    public string DeadLetterContainer { get; set; } = CosmosContainers.DeadLetter.Name;

    /// <summary>A key-based connection string; set this OR <see cref="AccountEndpoint"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The account endpoint (<c>https://{account}.documents.azure.com:443/</c>) for Entra access; set this OR <see cref="ConnectionString"/>.</summary>
    public string? AccountEndpoint { get; set; }

    /// <summary>With <see cref="AccountEndpoint"/>: the user-assigned managed identity's client id. Without it, DefaultAzureCredential is used (a developer's az login locally).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// An endpoint on loopback (the emulator, a test server) is reached in Gateway mode limited to
    /// that endpoint, since such servers announce no reachable replicas or regions. Real accounts
    /// use Direct mode.
    /// </summary>
    public bool GatewayModeForLoopback { get; set; } = true;

    /// <summary>
    /// Gateway mode (HTTPS on port 443 only) for a real account too, where the network blocks the
    /// TCP ports 10000-20000 that Direct mode uses. Off by default: Direct mode has lower latency.
    /// </summary>
    public bool GatewayMode { get; set; }

    /// <summary>
    /// <see cref="CosmosJourneyStore.InitializeAsync"/> creates the database and containers when missing.
    /// In Azure they are provisioned by infra/ (an Entra identity may not create them); there this only
    /// verifies them.
    /// </summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <summary>Shared database throughput (RU/s) when the database is created; null for serverless accounts.</summary>
    public int? DatabaseThroughput { get; set; }

    /// <summary>How often the SDK retries a throttled (429) request before the store reports itself unavailable.</summary>
    public int MaxRetryAttemptsOnRateLimitedRequests { get; set; } = 9;

    /// <summary>The longest the SDK waits in total across the 429 retries of one request.</summary>
    public TimeSpan MaxRetryWaitTimeOnRateLimitedRequests { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Per-request timeout; null keeps the SDK's default.</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>Documents per page of a scan (MaxItemCount): memory holds one page.</summary>
    public int ScanPageSize { get; set; } = 500;

    /// <summary>Writes of one call run with at most this many in flight (transition upserts, deletes).</summary>
    public int MaxParallelWrites { get; set; } = 8;

    /// <summary>Sent in the user agent, to tell Journey's requests apart in diagnostics.</summary>
    public string ApplicationName { get; set; } = "journey";

    /// <summary>True when a connection string or an account endpoint is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || !string.IsNullOrWhiteSpace(AccountEndpoint);

    /// <summary>The account endpoint, from <see cref="AccountEndpoint"/> or the connection string; null when neither is usable.</summary>
    public Uri? Endpoint
    {
        get
        {
            var text = !string.IsNullOrWhiteSpace(AccountEndpoint) ? AccountEndpoint : ConnectionStringPart("AccountEndpoint");
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri : null;
        }
    }

    /// <summary>True when the endpoint is on this machine (127.0.0.0/8, ::1, localhost).</summary>
    public bool IsLoopback => Endpoint is { IsLoopback: true };

    /// <summary>The container names in the order of <see cref="CosmosContainers.All"/>.</summary>
    public IReadOnlyList<(CosmosContainerDefinition Definition, string Name)> Containers =>
    [
        (CosmosContainers.Customers, CustomersContainer),
        (CosmosContainers.Transitions, TransitionsContainer),
        (CosmosContainers.Metrics, MetricsContainer),
        (CosmosContainers.PainPoints, PainPointsContainer),
        (CosmosContainers.Feedback, FeedbackContainer),
        (CosmosContainers.Actions, ActionsContainer),
        (CosmosContainers.Suppressions, SuppressionsContainer),
        (CosmosContainers.DeadLetter, DeadLetterContainer),
    ];

    /// <summary>
    /// The options from configuration: the section <c>Cosmos</c>, then the connection settings
    /// <c>CosmosConnection</c> (connection string), <c>CosmosConnection__accountEndpoint</c> and
    /// <c>CosmosConnection__clientId</c> (which .NET configuration reads as <c>CosmosConnection:accountEndpoint</c>
    /// and <c>CosmosConnection:clientId</c>) where present.
    /// </summary>
    public static CosmosStoreOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new CosmosStoreOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.ApplyConnectionSettings(configuration);
        return options;
    }

    /// <summary>
    /// Takes the connection settings (<c>CosmosConnection</c>, <c>CosmosConnection__accountEndpoint</c>,
    /// <c>CosmosConnection__clientId</c>) from configuration where present: the names the Functions host
    /// and Bicep use, outside the section.
    /// </summary>
    public void ApplyConnectionSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[ConnectionStringSetting];
        var endpoint = configuration[ToConfigurationKey(AccountEndpointSetting)];
        var clientId = configuration[ToConfigurationKey(ClientIdSetting)];
        if (!string.IsNullOrWhiteSpace(connectionString)) ConnectionString = connectionString;
        if (!string.IsNullOrWhiteSpace(endpoint)) AccountEndpoint = endpoint;
        if (!string.IsNullOrWhiteSpace(clientId)) ManagedIdentityClientId = clientId;
    }

    /// <summary>True when configuration names a Cosmos DB account (so the app should use it instead of the embedded store).</summary>
    public static bool IsConfiguredIn(IConfiguration configuration) => FromConfiguration(configuration).IsConfigured;

    /// <summary>The problems of these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate() => Validate(includeConnection: true);

    /// <summary>The problems of these options; without the connection settings when the caller brings its own client.</summary>
    internal IReadOnlyList<string> Validate(bool includeConnection)
    {
        var errors = new List<string>();
        if (includeConnection) ValidateConnection(errors);
        ValidateNamesAndTuning(errors);
        return errors;
    }

    private void ValidateConnection(List<string> errors)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        var hasEndpoint = !string.IsNullOrWhiteSpace(AccountEndpoint);
        if (!hasConnectionString && !hasEndpoint)
            errors.Add($"Cosmos DB needs either the setting {ConnectionStringSetting} (a connection string) or {AccountEndpointSetting} (an account endpoint for Entra access).");
        else if (hasConnectionString && hasEndpoint)
            errors.Add($"Set either {ConnectionStringSetting} or {AccountEndpointSetting}, not both.");
        else if (hasConnectionString && (ConnectionStringPart("AccountEndpoint") is null || ConnectionStringPart("AccountKey") is null))
            errors.Add($"{ConnectionStringSetting} must be a Cosmos DB connection string with AccountEndpoint and AccountKey.");
        else if (Endpoint is null)
            errors.Add($"The Cosmos DB account endpoint must be an absolute https URL, e.g. https://<account>.documents.azure.com:443/.");
        if (!string.IsNullOrWhiteSpace(ManagedIdentityClientId) && !hasEndpoint)
            errors.Add($"{ClientIdSetting} is only used with {AccountEndpointSetting}.");
    }

    private void ValidateNamesAndTuning(List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(DatabaseName)) errors.Add($"{nameof(CosmosStoreOptions)}.{nameof(DatabaseName)} is required.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (definition, name) in Containers)
        {
            if (string.IsNullOrWhiteSpace(name))
                errors.Add($"The name of the {definition.Name} container is required.");
            else if (!names.Add(name))
                errors.Add($"The container name '{name}' is used twice.");
            else if (name.IndexOfAny(['/', '\\', '#', '?']) >= 0)
                errors.Add($"The container name '{name}' may not contain '/', '\\', '#' or '?'.");
        }
        if (MaxRetryAttemptsOnRateLimitedRequests is < 0 or > 100)
            errors.Add($"{nameof(CosmosStoreOptions)}.{nameof(MaxRetryAttemptsOnRateLimitedRequests)} must be between 0 and 100.");
        if (MaxRetryWaitTimeOnRateLimitedRequests < TimeSpan.Zero || MaxRetryWaitTimeOnRateLimitedRequests > TimeSpan.FromMinutes(10))
            errors.Add($"{nameof(CosmosStoreOptions)}.{nameof(MaxRetryWaitTimeOnRateLimitedRequests)} must be between 0 and 10 minutes.");
        if (RequestTimeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromMinutes(5)))
            errors.Add($"{nameof(CosmosStoreOptions)}.{nameof(RequestTimeout)} must be between 0 and 5 minutes.");
        if (ScanPageSize is < 1 or > 10_000)
            errors.Add($"{nameof(CosmosStoreOptions)}.{nameof(ScanPageSize)} must be between 1 and 10000.");
        if (MaxParallelWrites is < 1 or > 256)
            errors.Add($"{nameof(CosmosStoreOptions)}.{nameof(MaxParallelWrites)} must be between 1 and 256.");
        if (DatabaseThroughput is < 400)
            errors.Add($"{nameof(CosmosStoreOptions)}.{nameof(DatabaseThroughput)} must be at least 400 RU/s (or unset for serverless).");
    }

    /// <summary>An app setting name with <c>__</c> as .NET configuration reads it (<c>:</c>).</summary>
    private static string ToConfigurationKey(string setting) => setting.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);

    private string? ConnectionStringPart(string key)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString)) return null;
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
            return builder.TryGetValue(key, out var value) && value is string text && !string.IsNullOrWhiteSpace(text) ? text : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
