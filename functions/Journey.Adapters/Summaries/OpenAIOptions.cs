using Microsoft.Extensions.Configuration;

namespace Journey.Adapters.Summaries;

/// <summary>
/// Settings of the Azure OpenAI client the pain-point summarizer uses (section <c>OpenAI</c>, so the
/// app settings <c>OpenAI__Endpoint</c>, <c>OpenAI__Deployment</c>, <c>OpenAI__EmbeddingDeployment</c>,
/// <c>OpenAI__ApiKey</c> and <c>OpenAI__ClientId</c> bind to it). Without an endpoint there is no client
/// and the summarizer stays off. Authentication is the app's one <c>TokenCredential</c> (Microsoft Entra,
/// the role "Cognitive Services OpenAI User"), or an API key for local runs. The caps of a run
/// (<see cref="MaxTokensPerRun"/>, <see cref="MaxCostPerRun"/> with the per-1K-token prices), the
/// embeddings' batching and the retries on throttling are read here too (see <see cref="OpenAIRunBudget"/>).
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

    /// <summary>App setting of <see cref="MaxTokensPerRun"/>.</summary>
    public const string MaxTokensPerRunSetting = "OpenAI__MaxTokensPerRun";

    /// <summary>App setting of <see cref="MaxCostPerRun"/>.</summary>
    public const string MaxCostPerRunSetting = "OpenAI__MaxCostPerRun";

    /// <summary>App setting of <see cref="ChatInputPricePer1KTokens"/>.</summary>
    public const string ChatInputPriceSetting = "OpenAI__ChatInputPricePer1KTokens";

    /// <summary>App setting of <see cref="ChatOutputPricePer1KTokens"/>.</summary>
    public const string ChatOutputPriceSetting = "OpenAI__ChatOutputPricePer1KTokens";

    /// <summary>App setting of <see cref="EmbeddingPricePer1KTokens"/>.</summary>
    public const string EmbeddingPriceSetting = "OpenAI__EmbeddingPricePer1KTokens";

    /// <summary>App setting of <see cref="EmbeddingBatchSize"/>.</summary>
    public const string EmbeddingBatchSizeSetting = "OpenAI__EmbeddingBatchSize";

    /// <summary>App setting of <see cref="EmbeddingMaxCharsPerRequest"/>.</summary>
    public const string EmbeddingMaxCharsPerRequestSetting = "OpenAI__EmbeddingMaxCharsPerRequest";

    /// <summary>App setting of <see cref="MaxRetries"/>.</summary>
    public const string MaxRetriesSetting = "OpenAI__MaxRetries";

    /// <summary>App setting of <see cref="MaxRetryDelay"/>.</summary>
    public const string MaxRetryDelaySetting = "OpenAI__MaxRetryDelay";

    /// <summary>The most texts one embeddings request may carry (the service's limit).</summary>
    public const int MaxEmbeddingBatchSize = 2048;

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

    /// <summary>
    /// Tokens one run may spend, input and output, chat and embeddings together (default 1,000,000). Before each
    /// call its tokens are estimated (<see cref="OpenAIRunBudget.EstimateTokens"/>: UTF-8 bytes / 4, about
    /// characters / 4 for English; a chat call counts its whole output allowance); a call that would pass the cap
    /// is not made. After each call the service's own usage numbers replace the estimate.
    /// </summary>
    public long MaxTokensPerRun { get; set; } = 1_000_000;

    /// <summary>What one run may cost, in the currency of the prices below (default 1.00, US dollars with the default prices).</summary>
    public decimal MaxCostPerRun { get; set; } = 1.00m;

    /// <summary>Price of 1,000 input tokens of the chat deployment (default 0.0004: gpt-4.1-mini's list price, $0.40 per million).</summary>
    public decimal ChatInputPricePer1KTokens { get; set; } = 0.0004m;

    /// <summary>Price of 1,000 output tokens of the chat deployment (default 0.0016: gpt-4.1-mini's list price, $1.60 per million).</summary>
    public decimal ChatOutputPricePer1KTokens { get; set; } = 0.0016m;

    /// <summary>Price of 1,000 tokens of the embeddings deployment (default 0.00002: text-embedding-3-small's list price, $0.02 per million).</summary>
    public decimal EmbeddingPricePer1KTokens { get; set; } = 0.00002m;

    /// <summary>Most texts in one embeddings request (default 64; at most 2048).</summary>
    public int EmbeddingBatchSize { get; set; } = 64;

    /// <summary>Most characters in one embeddings request (default 32,000, about 8,000 tokens); a longer text goes alone, cut to <see cref="OpenAIEmbedder.MaxCharsPerText"/>.</summary>
    public int EmbeddingMaxCharsPerRequest { get; set; } = 32_000;

    /// <summary>Retries of a throttled (429) or failed (408, 5xx, network) call (default 3; 0 to 10).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The longest wait before a retry (default 00:01:00). A <c>retry-after-ms</c>/<c>Retry-After</c> header is waited
    /// exactly; one asking for longer than this fails the call at once. Without a header the wait doubles from 1 s up to this.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

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
        ValidateRunSettings(problems);
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

    private void ValidateRunSettings(List<string> problems)
    {
        if (MaxTokensPerRun <= 0) problems.Add($"{MaxTokensPerRunSetting} must be a positive number of tokens (was {MaxTokensPerRun}).");
        if (MaxCostPerRun <= 0) problems.Add($"{MaxCostPerRunSetting} must be a positive amount (was {MaxCostPerRun}).");
        if (ChatInputPricePer1KTokens < 0) problems.Add($"{ChatInputPriceSetting} must not be negative (was {ChatInputPricePer1KTokens}).");
        if (ChatOutputPricePer1KTokens < 0) problems.Add($"{ChatOutputPriceSetting} must not be negative (was {ChatOutputPricePer1KTokens}).");
        if (EmbeddingPricePer1KTokens < 0) problems.Add($"{EmbeddingPriceSetting} must not be negative (was {EmbeddingPricePer1KTokens}).");
        if (EmbeddingBatchSize is < 1 or > MaxEmbeddingBatchSize) problems.Add($"{EmbeddingBatchSizeSetting} must be between 1 and {MaxEmbeddingBatchSize} (was {EmbeddingBatchSize}).");
        if (EmbeddingMaxCharsPerRequest is < 1_000 or > 1_000_000) problems.Add($"{EmbeddingMaxCharsPerRequestSetting} must be between 1000 and 1000000 (was {EmbeddingMaxCharsPerRequest}).");
        if (MaxRetries is < 0 or > 10) problems.Add($"{MaxRetriesSetting} must be between 0 and 10 (was {MaxRetries}).");
        if (MaxRetryDelay <= TimeSpan.Zero || MaxRetryDelay > TimeSpan.FromMinutes(10)) problems.Add($"{MaxRetryDelaySetting} must be more than 00:00:00 and at most 00:10:00 (was {MaxRetryDelay}).");
    }

    private static bool IsDeploymentName(string name) =>
        name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
