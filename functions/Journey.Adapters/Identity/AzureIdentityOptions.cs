using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Identity;

/// <summary>
/// Which Microsoft Entra credential the app's Azure clients share (Event Hubs, Cosmos DB, Azure
/// OpenAI, the Application Insights exporter): the composition root builds one <see cref="TokenCredential"/> from these options, so the
/// app holds one token cache and one managed identity.
/// <para>
/// No setting of its own is needed: the Functions host's identity-based connection settings already
/// say it. In Azure, <c>infra/app/api.bicep</c> gives <c>EventHubConnection__clientId</c>,
/// <c>CosmosConnection__clientId</c>, <c>OpenAI__ClientId</c> and the <c>ClientId</c> of
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> the same user-assigned identity and sets
/// <c>…__credential=managedidentity</c>. The first client id present, in that order, is taken; two
/// that differ are a configuration error (one credential cannot be two identities). With a client id, or a
/// <c>…__credential</c> of <c>managedidentity</c>, the credential is a <see cref="ManagedIdentityCredential"/>
/// (the system-assigned identity without a client id); otherwise, on a developer's machine, a
/// <see cref="DefaultAzureCredential"/> (az login, Visual Studio, environment variables).
/// </para>
/// </summary>
public sealed class AzureIdentityOptions
{
    /// <summary>The one accepted value of a <c>…__credential</c> setting.</summary>
    public const string ManagedIdentityKind = "managedidentity";

    /// <summary>The settings that name the identity's client id, in the order they are looked at.</summary>
    public static IReadOnlyList<string> ClientIdSettings { get; } = ["EventHubConnection__clientId", "CosmosConnection__clientId", "OpenAI__ClientId"];

    /// <summary>Application Insights' Entra setting, <c>Authorization=AAD;ClientId=…</c>: its client id is the same identity's.</summary>
    public const string ApplicationInsightsAuthenticationString = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The settings that may ask for a managed identity.</summary>
    public static IReadOnlyList<string> CredentialSettings { get; } = ["EventHubConnection__credential", "CosmosConnection__credential"];

    /// <summary>The user-assigned managed identity's client id; null: none.</summary>
    public string? ClientId { get; private set; }

    /// <summary><c>managedidentity</c>, or null for <see cref="DefaultAzureCredential"/> (unless a client id is set).</summary>
    public string? Credential { get; private set; }

    /// <summary>Every client id setting found, with its value (<see cref="Validate"/> checks they agree).</summary>
    internal IList<KeyValuePair<string, string>> ClientIdsFound { get; } = [];

    /// <summary>Every credential setting found, with its value.</summary>
    internal IList<KeyValuePair<string, string>> CredentialsFound { get; } = [];

    /// <summary>True when the credential is a <see cref="ManagedIdentityCredential"/>.</summary>
    public bool UsesManagedIdentity =>
        !string.IsNullOrWhiteSpace(ClientId) || string.Equals(Credential?.Trim(), ManagedIdentityKind, StringComparison.OrdinalIgnoreCase);

    /// <summary>The options from the connection settings in configuration.</summary>
    public static AzureIdentityOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new AzureIdentityOptions();
        options.ApplyConnectionSettings(configuration);
        return options;
    }

    /// <summary>
    /// Reads the client id and credential settings of the connections (as configuration paths, what
    /// environment variables become, and literally with <c>__</c>). The first client id found is taken.
    /// </summary>
    public void ApplyConnectionSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var setting in ClientIdSettings)
        {
            if (Read(configuration, setting) is not { } value) continue;
            ClientIdsFound.Add(new(setting, value));
            if (ClientIdsFound.Count == 1) ClientId = value;
        }

        if (AuthenticationStringParts(configuration[ApplicationInsightsAuthenticationString]).TryGetValue("ClientId", out var telemetryClientId))
        {
            ClientIdsFound.Add(new(ApplicationInsightsAuthenticationString, telemetryClientId));
            if (ClientIdsFound.Count == 1) ClientId = telemetryClientId;
        }

        foreach (var setting in CredentialSettings)
        {
            if (Read(configuration, setting) is not { } value) continue;
            CredentialsFound.Add(new(setting, value));
            if (string.Equals(value, ManagedIdentityKind, StringComparison.OrdinalIgnoreCase)) Credential = ManagedIdentityKind;
        }
    }

    /// <summary>
    /// The parts of an Application Insights authentication string (<c>Authorization=AAD;ClientId=…</c>),
    /// by name (case-insensitive); empty for null.
    /// </summary>
    public static IReadOnlyDictionary<string, string> AuthenticationStringParts(string? authenticationString)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (authenticationString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[(eq + 1)..].Trim() is { Length: > 0 } value) parts[part[..eq].Trim()] = value;
        }
        return parts;
    }

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(ClientId) && !Guid.TryParse(ClientId, out _))
            problems.Add($"{ClientIdsFound[0].Key} must be the client id (a GUID) of a user-assigned managed identity (was '{ClientId}').");
        foreach (var (setting, value) in CredentialsFound)
        {
            if (!string.Equals(value, ManagedIdentityKind, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{setting} must be '{ManagedIdentityKind}' or absent (was '{value}').");
        }

        if (ClientIdsFound.Count > 1)
        {
            var (firstSetting, firstValue) = ClientIdsFound[0];
            foreach (var (setting, value) in ClientIdsFound.Skip(1))
            {
                if (!string.Equals(value, firstValue, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{firstSetting} ('{firstValue}') and {setting} ('{value}') name different identities; the app shares one credential between its Azure clients, so they must name the same user-assigned identity.");
            }
        }

        return problems;
    }

    /// <summary>The one credential: a managed identity (user-assigned with <see cref="ClientId"/>, else system-assigned), or <see cref="DefaultAzureCredential"/>.</summary>
    public TokenCredential CreateCredential()
    {
        if (!string.IsNullOrWhiteSpace(ClientId))
            return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId.Trim()));
        if (UsesManagedIdentity) return new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
        return new DefaultAzureCredential();
    }

    private static string? Read(IConfiguration configuration, string setting)
    {
        var value = configuration[setting.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] ?? configuration[setting];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
