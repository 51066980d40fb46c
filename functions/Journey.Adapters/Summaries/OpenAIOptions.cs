using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Summaries;

/// <summary>
/// Settings of the Azure OpenAI client the pain-point summarizer uses (section <c>OpenAI</c>, so the
/// app settings <c>OpenAI__Endpoint</c>, <c>OpenAI__Deployment</c>, <c>OpenAI__EmbeddingDeployment</c>,
/// <c>OpenAI__ApiKey</c> and <c>OpenAI__ClientId</c> bind to it). Without an endpoint there is no client
/// and the summarizer stays off. Authentication is the app's one <c>TokenCredential</c> (Microsoft Entra,
/// the role "Cognitive Services OpenAI User"), or an API key for local runs.
/// </summary>
public sealed class OpenAIOptions
{
    public const string SectionName = "OpenAI";

    /// <summary>App setting of <see cref="Endpoint"/>.</summary>
    public const string EndpointSetting = "OpenAI__Endpoint";

    /// <summary>App setting of <see cref="Deployment"/>.</summary>
    public const string DeploymentSetting = "OpenAI__Deployment";

    /// <summary>App setting of <see cref="EmbeddingDeployment"/>.</summary>
    public const string EmbeddingDeploymentSetting = "OpenAI__EmbeddingDeployment";

    /// <summary>App setting of <see cref="ApiKey"/>.</summary>
    public const string ApiKeySetting = "OpenAI__ApiKey";

    /// <summary>
    /// The v1 endpoint <c>https://{resource}.openai.azure.com/openai/v1/</c> (what <c>infra/</c> writes), or the
    /// resource endpoint <c>https://{resource}.openai.azure.com/</c>; empty: no summarizer. Both name the same
    /// resource; <see cref="ResourceEndpoint"/> is what the client takes.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The chat model deployment (required with an endpoint).</summary>
    public string? Deployment { get; set; }

    /// <summary>The embeddings model deployment (optional: the summarizer clusters without embeddings when it is absent).</summary>
    public string? EmbeddingDeployment { get; set; }

    /// <summary>An API key, local runs only (the resource in Azure has local auth disabled); when set it wins over Microsoft Entra.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The user-assigned identity's client id; read by <see cref="Identity.AzureIdentityOptions"/> for the shared credential.</summary>
    public string? ClientId { get; set; }

    /// <summary>True when an endpoint is set: the composition root then registers the client.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>True when configuration sets <c>OpenAI__Endpoint</c> (<c>OpenAI:Endpoint</c>): the composition root registers the client.</summary>
    public static bool IsConfiguredIn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[$"{SectionName}:{nameof(Endpoint)}"]);
    }

    /// <summary>True when an API key is set (it wins over the shared credential).</summary>
    public bool UsesApiKey => !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>
    /// The resource endpoint (<c>https://{resource}.openai.azure.com/</c>) that Azure.AI.OpenAI 2.1's
    /// <c>AzureOpenAIClient</c> expects: it appends <c>openai/deployments/{deployment}/…?api-version=…</c>
    /// itself and has no v1 mode, so a v1 endpoint's <c>openai/v1/</c> is taken off. Null when
    /// <see cref="Endpoint"/> is not a valid address.
    /// </summary>
    public Uri? ResourceEndpoint
    {
        get
        {
            if (!Uri.TryCreate(Endpoint?.Trim(), UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)) return null;
            var path = uri.AbsolutePath.TrimEnd('/');
            if (path.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase)) path = path[..^"/openai/v1".Length];
            else if (path.EndsWith("/openai", StringComparison.OrdinalIgnoreCase)) path = path[..^"/openai".Length];
            return new UriBuilder(uri) { Path = path + "/" }.Uri;
        }
    }

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!IsConfigured)
        {
            if (UsesApiKey) problems.Add($"{ApiKeySetting} is set but {EndpointSetting} is not: set the endpoint too, or remove the key.");
            return problems;
        }

        var endpoint = ResourceEndpoint;
        if (endpoint is null)
            problems.Add($"{EndpointSetting} must be an absolute https address such as 'https://myresource.openai.azure.com/openai/v1/' (was '{Endpoint}').");
        else if (endpoint.Scheme != Uri.UriSchemeHttps && !(endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback))
            problems.Add($"{EndpointSetting} must be an https address (http only on loopback, for a local stand-in; was '{Endpoint}').");
        else if (endpoint.AbsolutePath != "/")
            problems.Add($"{EndpointSetting} must be the resource's endpoint, 'https://{{resource}}.openai.azure.com/' or its v1 form '…/openai/v1/', without a deployment or operation path (was '{Endpoint}').");
        if (string.IsNullOrWhiteSpace(Deployment))
            problems.Add($"{DeploymentSetting} (the chat model deployment) is required when {EndpointSetting} is set.");
        else if (!IsDeploymentName(Deployment))
            problems.Add($"{DeploymentSetting} must be a deployment name (letters, digits, '-', '_' and '.', up to 64; was '{Deployment}').");
        if (!string.IsNullOrWhiteSpace(EmbeddingDeployment) && !IsDeploymentName(EmbeddingDeployment))
            problems.Add($"{EmbeddingDeploymentSetting} must be a deployment name (letters, digits, '-', '_' and '.', up to 64; was '{EmbeddingDeployment}').");
        return problems;
    }

    private static bool IsDeploymentName(string name) =>
        name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
