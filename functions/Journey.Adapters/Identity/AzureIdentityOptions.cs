using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Identity;

/// <summary>
/// Which Microsoft Entra credential the app's Azure clients share (Event Hubs, Cosmos DB, Azure
/// OpenAI): the composition root builds one <see cref="TokenCredential"/> from these options, so the
/// app holds one token cache and one managed identity.
/// <para>
/// No setting of its own is needed: the Functions host's identity-based connection settings already
/// say it. In Azure, <c>infra/app/api.bicep</c> gives <c>EventHubConnection__clientId</c>,
/// <c>CosmosConnection__clientId</c> and <c>OpenAI__ClientId</c> the same user-assigned identity and sets
/// <c>…__credential=managedidentity</c>. The first client id present, in that order, is taken (or
/// <c>AzureIdentity__ClientId</c>, when set, before them); two that differ are a configuration error (one
/// credential cannot be two identities). With a client id, or a
/// <c>…__credential</c> of <c>managedidentity</c>, the credential is a <see cref="ManagedIdentityCredential"/>
/// (the system-assigned identity without a client id); otherwise, on a developer's machine, a
/// <see cref="DefaultAzureCredential"/> (az login, Visual Studio, environment variables).
/// </para>
/// </summary>
public sealed class AzureIdentityOptions
{
    /// <summary>Configuration section for an explicit choice (<c>AzureIdentity__ClientId</c>, <c>AzureIdentity__Credential</c>), looked at before the connections' settings.</summary>
    public const string SectionName = "AzureIdentity";

    /// <summary>The one accepted value of a <c>…__credential</c> setting.</summary>
    public const string ManagedIdentityKind = "managedidentity";

    /// <summary>The settings that name the identity's client id, in the order they are looked at.</summary>
    public static IReadOnlyList<string> ClientIdSettings { get; } = ["EventHubConnection__clientId", "CosmosConnection__clientId", "OpenAI__ClientId"];

    /// <summary>The settings that may ask for a managed identity.</summary>
    public static IReadOnlyList<string> CredentialSettings { get; } = ["EventHubConnection__credential", "CosmosConnection__credential"];

    /// <summary>The user-assigned managed identity's client id; null: none.</summary>
    public string? ClientId { get; set; }

    /// <summary><c>managedidentity</c>, or null for <see cref="DefaultAzureCredential"/> (unless a client id is set).</summary>
    public string? Credential { get; set; }

    /// <summary>Every client id setting found, with its value (<see cref="Validate"/> checks they agree).</summary>
    internal IList<KeyValuePair<string, string>> ClientIdsFound { get; } = [];

    /// <summary>Every credential setting found, with its value.</summary>
    internal IList<KeyValuePair<string, string>> CredentialsFound { get; } = [];

    /// <summary>True when the credential is a <see cref="ManagedIdentityCredential"/>.</summary>
    public bool UsesManagedIdentity =>
        !string.IsNullOrWhiteSpace(ClientId) || string.Equals(Credential?.Trim(), ManagedIdentityKind, StringComparison.OrdinalIgnoreCase);

    /// <summary>The options from configuration: the section, then the connection settings.</summary>
    public static AzureIdentityOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new AzureIdentityOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.ApplyConnectionSettings(configuration);
        return options;
    }

    /// <summary>
    /// Reads the client id and credential settings of the connections (as configuration paths, what
    /// environment variables become, and literally with <c>__</c>). The first client id found is taken,
    /// unless the section named one.
    /// </summary>
    public void ApplyConnectionSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(ClientId)) ClientIdsFound.Add(new($"{SectionName}__{nameof(ClientId)}", ClientId.Trim()));
        foreach (var setting in ClientIdSettings)
        {
            if (Read(configuration, setting) is not { } value) continue;
            ClientIdsFound.Add(new(setting, value));
            if (ClientIdsFound.Count == 1) ClientId = value;
        }

        foreach (var setting in CredentialSettings)
        {
            if (Read(configuration, setting) is not { } value) continue;
            CredentialsFound.Add(new(setting, value));
            if (string.Equals(value, ManagedIdentityKind, StringComparison.OrdinalIgnoreCase)) Credential = ManagedIdentityKind;
        }
    }

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(ClientId) && !Guid.TryParse(ClientId, out _))
            problems.Add($"{Where(ClientIdsFound, $"{SectionName}__{nameof(ClientId)}")} must be the client id (a GUID) of a user-assigned managed identity (was '{ClientId}').");
        if (!string.IsNullOrWhiteSpace(Credential) && !string.Equals(Credential.Trim(), ManagedIdentityKind, StringComparison.OrdinalIgnoreCase))
            problems.Add($"{SectionName}__{nameof(Credential)} must be '{ManagedIdentityKind}' or absent (was '{Credential}').");
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

    private static string Where(IList<KeyValuePair<string, string>> found, string fallback) => found.Count > 0 ? found[0].Key : fallback;

    private static string? Read(IConfiguration configuration, string setting)
    {
        var value = configuration[setting.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] ?? configuration[setting];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
