using Journey.Application.Collection;

namespace Journey.Functions.Collector;

/// <summary>Collector settings (configuration section <c>Collector</c>).</summary>
public sealed class CollectorOptions
{
    public const string SectionName = "Collector";

    /// <summary>The write key accepted when none is configured (local mode only).</summary>
    public const string LocalWriteKey = "journey-local";

    /// <summary>Accepted write keys, comma-separated in one setting (<c>Collector__WriteKeys</c>). Empty: <see cref="LocalWriteKey"/>.</summary>
    public string WriteKeys { get; set; } = "";

    /// <summary>
    /// Origins allowed to send events from a browser, comma-separated (<c>https://shop.example</c>);
    /// <c>*</c> or empty for any. When origins are listed, CORS allows only them and requests whose
    /// <c>Origin</c> (else <c>Referer</c>) names another origin are refused with 403.
    /// </summary>
    public string AllowedOrigins { get; set; } = "*";

    /// <summary>Anonymise client IPs (IPv4 /24, IPv6 /48) before they reach the stream.</summary>
    public bool AnonymizeIp { get; set; } = true;

    public PrivacyAction DoNotTrack { get; set; } = PrivacyAction.Drop;

    /// <summary>A cookie that, when present with value 1/true/yes, opts the browser out like DNT.</summary>
    public string OptOutCookie { get; set; } = "journey_optout";

    /// <summary>The public base URL analytics.js should send to (the settings document); default: the request's own host.</summary>
    public string? PublicUrl { get; set; }

    public IReadOnlySet<string> AcceptedWriteKeys()
    {
        var keys = WriteKeys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return keys.Length == 0 ? new HashSet<string>(StringComparer.Ordinal) { LocalWriteKey } : new HashSet<string>(keys, StringComparer.Ordinal);
    }

    /// <summary>Each listed origin is a scheme and host (and port), as a browser sends it in <c>Origin</c>: <c>https://shop.example</c>.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var origin in Origins())
        {
            var valid = Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                && uri.GetLeftPart(UriPartial.Authority).Equals(origin, StringComparison.OrdinalIgnoreCase);
            if (!valid)
                problems.Add($"Collector:AllowedOrigins: '{origin}' is not an origin; list scheme and host (and port) as a browser sends them, e.g. https://shop.example, or * for any.");
        }
        return problems;
    }

    /// <summary>The configured origins, normalised (no trailing slash); empty when any origin is allowed (<c>*</c> or nothing listed).</summary>
    public string[] Origins()
    {
        var origins = AllowedOrigins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return origins.Contains("*") ? [] : [.. origins.Select(o => o.TrimEnd('/'))];
    }
}
