using Journey.Domain.Actions;

namespace Journey.Adapters.Actions.Webhooks;

/// <summary>
/// The webhook destinations of actions (section <c>Actions</c>). The simple case is one receiver:
/// <c>Actions__WebhookUrl</c> and <c>Actions__WebhookSecret</c> (destination <c>webhook:default</c>, every
/// action type). More receivers, each with its own secret and type filter, go in the list
/// <c>Actions__Webhooks__{n}__Name</c>, <c>__Url</c>, <c>__Secret</c>, <c>__Types__{m}</c>. No URL: no webhook.
/// </summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Actions";

    /// <summary>App setting of <see cref="WebhookUrl"/>.</summary>
    public const string WebhookUrlSetting = "Actions__WebhookUrl";

    /// <summary>App setting of <see cref="WebhookSecret"/>.</summary>
    public const string WebhookSecretSetting = "Actions__WebhookSecret";

    /// <summary>App setting of <see cref="WebhookTimeout"/>.</summary>
    public const string WebhookTimeoutSetting = "Actions__WebhookTimeout";

    /// <summary>The name of the destination of <see cref="WebhookUrl"/>.</summary>
    public const string DefaultName = "default";

    /// <summary>The receiver of every action (absolute http or https address); empty: none.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The signing secret of <see cref="WebhookUrl"/>: <c>whsec_</c> and the base64 of 24 to 64 random bytes.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>More receivers, each with its name, secret and action types.</summary>
    public List<WebhookEndpointOptions> Webhooks { get; set; } = [];

    /// <summary>How long one delivery may take before it counts as failed and is retried later (default 10 s).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The configured receivers: <see cref="WebhookUrl"/> first (named <see cref="DefaultName"/>), then the list. Call after <see cref="Validate"/> found nothing.</summary>
    public IReadOnlyList<WebhookEndpoint> Endpoints()
    {
        var endpoints = new List<WebhookEndpoint>();
        if (!string.IsNullOrWhiteSpace(WebhookUrl))
            endpoints.Add(new WebhookEndpoint(DefaultName, new Uri(WebhookUrl.Trim(), UriKind.Absolute), WebhookSecret!.Trim(), [], WebhookTimeout));
        foreach (var webhook in Webhooks)
        {
            endpoints.Add(new WebhookEndpoint(
                webhook.Name!.Trim(), new Uri(webhook.Url!.Trim(), UriKind.Absolute), webhook.Secret!.Trim(),
                [.. webhook.Types.Select(t => t.Trim()).Distinct(StringComparer.Ordinal)], WebhookTimeout));
        }

        return endpoints;
    }

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (WebhookTimeout <= TimeSpan.Zero || WebhookTimeout > TimeSpan.FromMinutes(5))
            problems.Add($"{WebhookTimeoutSetting} must be more than 00:00:00 and at most 00:05:00 (was {WebhookTimeout}).");

        if (!string.IsNullOrWhiteSpace(WebhookUrl))
        {
            CheckUrl(WebhookUrl, WebhookUrlSetting, problems);
            CheckSecret(WebhookSecret, WebhookSecretSetting, problems);
        }
        else if (!string.IsNullOrWhiteSpace(WebhookSecret))
        {
            problems.Add($"{WebhookSecretSetting} is set but {WebhookUrlSetting} is not: set the receiver's address too, or remove the secret.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(WebhookUrl)) names.Add(DefaultName);
        for (var i = 0; i < Webhooks.Count; i++)
        {
            var webhook = Webhooks[i];
            var prefix = $"{SectionName}__Webhooks__{i}__";
            if (string.IsNullOrWhiteSpace(webhook.Name))
                problems.Add($"{prefix}Name is required (letters, digits, '-' and '_').");
            else if (!webhook.Name.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                problems.Add($"{prefix}Name must be letters, digits, '-' and '_' (was '{webhook.Name}').");
            else if (!names.Add(webhook.Name.Trim()))
                problems.Add($"{prefix}Name '{webhook.Name.Trim()}' is used twice (names are unique, '{DefaultName}' is the one of {WebhookUrlSetting}).");

            if (string.IsNullOrWhiteSpace(webhook.Url)) problems.Add($"{prefix}Url is required.");
            else CheckUrl(webhook.Url, $"{prefix}Url", problems);
            CheckSecret(webhook.Secret, $"{prefix}Secret", problems);

            for (var j = 0; j < webhook.Types.Count; j++)
            {
                if (!ActionTypes.All.Contains(webhook.Types[j]?.Trim(), StringComparer.Ordinal))
                    problems.Add($"{prefix}Types__{j} '{webhook.Types[j]}' is not an action type (one of {string.Join(", ", ActionTypes.All)}).");
            }
        }

        return problems;
    }

    private static void CheckUrl(string url, string setting, List<string> problems)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            problems.Add($"{setting} must be an absolute http or https address such as 'https://example.com/hooks/journey' (was '{url}').");
    }

    private static void CheckSecret(string? secret, string setting, List<string> problems)
    {
        if (!StandardWebhookSigner.IsValidSecret(secret?.Trim(), out var problem))
            problems.Add($"{setting}: {problem}");
    }
}

/// <summary>One more webhook receiver (an item of <c>Actions__Webhooks</c>).</summary>
public sealed class WebhookEndpointOptions
{
    /// <summary>Unique; the destination is named <c>webhook:{Name}</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Absolute http or https address.</summary>
    public string? Url { get; set; }

    /// <summary><c>whsec_</c> and the base64 of 24 to 64 random bytes.</summary>
    public string? Secret { get; set; }

    /// <summary>The action types it takes (see <see cref="ActionTypes"/>); empty: all.</summary>
    public List<string> Types { get; set; } = [];
}

/// <summary>A validated receiver.</summary>
/// <param name="Types">The action types it takes; empty: all.</param>
public sealed record WebhookEndpoint(string Name, Uri Url, string Secret, IReadOnlyList<string> Types, TimeSpan Timeout);
