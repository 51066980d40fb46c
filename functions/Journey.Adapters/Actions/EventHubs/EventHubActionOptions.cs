using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Actions;
using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Actions.EventHubs;

/// <summary>
/// The Event Hub destination of actions (section <c>Actions:EventHub</c>): one event per action in the hub
/// <c>journey-actions</c>, for Logic Apps, Fabric or a shop's own consumers. Off unless a connection is set:
/// <list type="bullet">
/// <item><c>Actions__EventHub__FullyQualifiedNamespace</c>: the namespace host, with the app's one <c>TokenCredential</c>
/// (what <c>infra/</c> sets: the stream's namespace, where the app already holds Azure Event Hubs Data Sender), or</item>
/// <item><c>Actions__EventHub__ConnectionString</c>: a SAS connection string (or the emulator's), for local and test runs;</item>
/// <item><c>Actions__EventHub__Name</c>: the hub (default <c>journey-actions</c>);</item>
/// <item><c>Actions__EventHub__Types__{n}</c>: the action types it takes (default: all).</item>
/// </list>
/// The client is built the way the collector's is (<see cref="EventHubsProducer.CreateClient"/>), with the same bounded
/// exponential retries, except that one attempt may take <see cref="TryTimeout"/>: all attempts of one send fit
/// within the dispatcher's default delivery timeout of 30 s. The connection settings are the destination's own, not
/// the stream's: the stream's namespace set for the collector does not turn this destination on.
/// </summary>
public sealed class EventHubActionOptions
{
    public const string SectionName = "Actions:EventHub";
    public const string NamespaceSetting = "Actions__EventHub__FullyQualifiedNamespace";
    public const string ConnectionStringSetting = "Actions__EventHub__ConnectionString";
    public const string NameSetting = "Actions__EventHub__Name";
    public const string TypesSetting = "Actions__EventHub__Types";
    public const string DefaultName = "journey-actions";

    /// <summary>How long one attempt of a send may take (the SDK's <c>TryTimeout</c>).</summary>
    public static readonly TimeSpan TryTimeout = TimeSpan.FromSeconds(8);

    /// <summary>The namespace host, e.g. <c>myns.servicebus.windows.net</c>, for Microsoft Entra auth.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>A connection string; when set it wins over Microsoft Entra auth (local and test runs).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The event hub (default <c>journey-actions</c>). With a connection string that names an <c>EntityPath</c>, the two must agree.</summary>
    public string Name { get; set; } = DefaultName;

    /// <summary>The action types it takes (see <see cref="ActionTypes"/>); empty: all.</summary>
    public List<string> Types { get; set; } = [];

    /// <summary>True when a connection is set (the namespace or a connection string).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(FullyQualifiedNamespace) || !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>True when configuration sets <c>Actions:EventHub:FullyQualifiedNamespace</c> or <c>…:ConnectionString</c>: the composition root registers the destination.</summary>
    public static bool IsConfiguredIn(IConfiguration configuration) => FromConfiguration(configuration).IsConfigured;

    /// <summary>The options of the section <c>Actions:EventHub</c>, not validated.</summary>
    public static EventHubActionOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(SectionName).Get<EventHubActionOptions>() ?? new EventHubActionOptions();
    }

    /// <summary>Checks the options; returns the problems found, each naming the setting. Nothing to check when no connection is set.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!IsConfigured)
        {
            if (Types.Count > 0)
                problems.Add($"{TypesSetting} is set but neither {NamespaceSetting} nor {ConnectionStringSetting} is: set the hub's connection too, or remove the types.");
            return problems;
        }

        EventHubsOptions.ValidateConnection(ConnectionString, FullyQualifiedNamespace, Name, new(ConnectionStringSetting, NamespaceSetting, NameSetting), problems);
        for (var i = 0; i < Types.Count; i++)
        {
            if (!ActionTypes.All.Contains(Types[i]?.Trim(), StringComparer.Ordinal))
                problems.Add($"{TypesSetting}__{i} '{Types[i]}' is not an action type (one of {string.Join(", ", ActionTypes.All)}).");
        }

        return problems;
    }

    /// <summary>
    /// The connection as the Event Hubs producer's options: this hub and connection, the stream's retry policy with
    /// <see cref="TryTimeout"/>. Call after <see cref="Validate"/> found nothing.
    /// </summary>
    public EventHubsOptions ToProducerOptions() => new()
    {
        FullyQualifiedNamespace = string.IsNullOrWhiteSpace(FullyQualifiedNamespace) ? null : FullyQualifiedNamespace.Trim(),
        ConnectionString = string.IsNullOrWhiteSpace(ConnectionString) ? null : ConnectionString.Trim(),
        HubName = Name.Trim(),
        TryTimeout = TryTimeout,
    };
}
