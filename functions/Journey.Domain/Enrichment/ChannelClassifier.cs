using Journey.Domain.Events;

namespace Journey.Domain.Enrichment;

/// <summary>
/// Where a hit came from: its channel (one of <see cref="Channels"/>) and the source, medium and
/// campaign an acquisition report shows. With UTM tags these are the tags; without them the
/// source is the referrer's host (without "www."), or "(direct)", and the medium "organic",
/// "referral", "email" (webmail) or "(none)"; an ad-click id alone gives its network and "cpc".
/// </summary>
public sealed record ChannelAttribution(string Channel, string Source, string Medium, string? Campaign);

/// <summary>
/// Classifies a hit into an acquisition channel in the spirit of GA4's default channel grouping.
/// Precedence, first match wins:
/// <list type="number">
/// <item>UTM tags (<c>context.campaign</c>, else <c>utm_*</c> in the page URL) with a source or a medium:
///   <list type="bullet">
///   <item>source "(direct)" with medium none → direct;</item>
///   <item>a paid medium (cpc, ppc, paid*, cpa, cpv, sem, retargeting, *cpc*): a social source, a
///   social medium ("paid_social") or a social click id → paid social; a search source, a search
///   click id (gclid, msclkid, ...) or cpc/ppc/sem/"*search*" → paid search; otherwise (e.g.
///   source "criteo", medium "retargeting") → display, the paid channel left;</item>
///   <item>display, banner, cpm, interstitial, expandable → display;</item>
///   <item>medium or source email, e-mail, e_mail, newsletter → email;</item>
///   <item>medium affiliate(s) → affiliate;</item>
///   <item>no medium and a paid click id → the click id's channel;</item>
///   <item>a social medium or a social source → organic social;</item>
///   <item>medium organic or a search source → organic search;</item>
///   <item>medium referral, app or link → referral;</item>
///   <item>anything else (e.g. only <c>utm_source=partner</c>) → the referrer's channel if it is
///   external, else referral (the link was tagged, so it came from somewhere).</item>
///   </list></item>
/// <item>An ad-click id in the page URL: gclid, gbraid, wbraid, msclkid, yclid → paid search;
/// ttclid, twclid, li_fat_id, ScCid, epik → paid social; dclid → display; fbclid → organic social.</item>
/// <item>An external referrer (not the page's own host or one of its subdomains, not a payment page):
/// webmail → email; search engine → organic search; social network → organic social; any other → referral.</item>
/// <item>Otherwise (no referrer, same-site or payment referrer) → direct.</item>
/// </list>
/// </summary>
public static class ChannelClassifier
{
    private const string DirectSource = "(direct)";
    private const string NoMedium = "(none)";
    private const string NotSet = "(not set)";

    private static readonly DomainList SearchDomains = new(Channels.SearchEngineDomains);
    private static readonly DomainList SocialDomains = new(Channels.SocialDomains);
    private static readonly DomainList EmailDomains = new(Channels.EmailDomains);
    private static readonly DomainList IgnoredDomains = new(Channels.IgnoredReferrerDomains);
    private static readonly NameSet SearchSources = new(Channels.SearchEngineSources);
    private static readonly NameSet SocialSources = new(Channels.SocialSources);
    private static readonly NameSet PaidMediums = new(Channels.PaidMediums);
    private static readonly NameSet PaidSearchMediums = new(Channels.PaidSearchMediums);
    private static readonly NameSet DisplayMediums = new(Channels.DisplayMediums);
    private static readonly NameSet EmailMediums = new(Channels.EmailMediums);
    private static readonly NameSet AffiliateMediums = new(Channels.AffiliateMediums);
    private static readonly NameSet SocialMediums = new(Channels.SocialMediums);
    private static readonly NameSet OrganicMediums = new(Channels.OrganicMediums);
    private static readonly NameSet ReferralMediums = new(Channels.ReferralMediums);

    /// <summary>Classifies an enriched event's page and campaign (the processor can re-derive source and medium this way).</summary>
    public static ChannelAttribution Classify(PageContext? page, CampaignContext? campaign) =>
        Classify(page?.Url, page?.Referrer, campaign);

    /// <summary>
    /// Classifies a hit on <paramref name="pageUrl"/> referred by <paramref name="referrer"/>. When
    /// <paramref name="campaign"/> has no source, medium or name, the <c>utm_*</c> parameters of the
    /// page URL are used instead.
    /// </summary>
    public static ChannelAttribution Classify(string? pageUrl, string? referrer, CampaignContext? campaign)
    {
        var source = Clean(campaign?.Source);
        var medium = Clean(campaign?.Medium);
        var name = Clean(campaign?.Name);
        var fromUrl = source is null && medium is null && name is null;
        ClickId? click = null;

        var page = Url.Parse(pageUrl);
        foreach (var pair in new QueryPairs(page.Query))
        {
            if (fromUrl && pair.Key.StartsWith("utm_", StringComparison.OrdinalIgnoreCase))
            {
                var key = pair.Key[4..];
                if (key.Equals("source", StringComparison.OrdinalIgnoreCase)) source ??= Clean(Url.Decode(pair.Value));
                else if (key.Equals("medium", StringComparison.OrdinalIgnoreCase)) medium ??= Clean(Url.Decode(pair.Value));
                else if (key.Equals("campaign", StringComparison.OrdinalIgnoreCase)) name ??= Clean(Url.Decode(pair.Value));
            }
            else if (click is null && !pair.Value.IsEmpty)
            {
                click = FindClickId(pair.Key);
            }
        }

        var pageHost = Url.NormalizeHost(page.Host);
        var referrerHost = Url.NormalizedHost(referrer);
        var external = referrerHost is not null && !SameSite(referrerHost, pageHost) && !IgnoredDomains.Matches(referrerHost)
            ? referrerHost
            : null;

        if (source is not null || medium is not null) return FromCampaign(source, medium, name, click, external);
        if (click is not null) return FromClickId(click, name, external);
        if (external is not null) return FromReferrer(external, name);
        return new ChannelAttribution(Channels.Direct, DirectSource, NoMedium, name);
    }

    /// <summary>True when <paramref name="host"/> (or a source written as a host) is a search engine.</summary>
    public static bool IsSearchEngine(string? host) => host is not null && (SearchDomains.Matches(Url.NormalizeHost(host)) || SearchSources.Contains(host));

    /// <summary>True when <paramref name="host"/> (or a source written as a host) is a social network.</summary>
    public static bool IsSocialNetwork(string? host) => host is not null && (SocialDomains.Matches(Url.NormalizeHost(host)) || SocialSources.Contains(host));

    private static ChannelAttribution FromCampaign(string? source, string? medium, string? name, ClickId? click, string? externalReferrer)
    {
        var resultSource = source ?? click?.Source ?? externalReferrer ?? NotSet;
        var resultMedium = medium ?? (click is { IsPaid: true } ? "cpc" : NotSet);

        if (string.Equals(source, DirectSource, StringComparison.OrdinalIgnoreCase)
            && (medium is null || medium is NoMedium or NotSet))
        {
            return new ChannelAttribution(Channels.Direct, DirectSource, NoMedium, name);
        }

        var channel = CampaignChannel(source, medium, click, externalReferrer);
        return new ChannelAttribution(channel, resultSource, resultMedium, name);
    }

    private static string CampaignChannel(string? source, string? medium, ClickId? click, string? externalReferrer)
    {
        var searchSource = source is not null && IsSearchEngine(source);
        var socialSource = source is not null && IsSocialNetwork(source);

        if (medium is not null && IsPaidMedium(medium))
        {
            if (socialSource || medium.Contains("social", StringComparison.OrdinalIgnoreCase) || click is { IsSocial: true })
                return Channels.PaidSocial;
            if (searchSource || click is { IsSearch: true } || PaidSearchMediums.Contains(medium)
                || medium.Contains("search", StringComparison.OrdinalIgnoreCase))
                return Channels.PaidSearch;
            return Channels.Display;
        }

        if (medium is not null && DisplayMediums.Contains(medium)) return Channels.Display;
        if ((medium is not null && EmailMediums.Contains(medium)) || (source is not null && EmailMediums.Contains(source))) return Channels.Email;
        if (medium is not null && AffiliateMediums.Contains(medium)) return Channels.Affiliate;
        if (medium is null && click is { IsPaid: true }) return click.Channel;
        if ((medium is not null && SocialMediums.Contains(medium)) || socialSource) return Channels.OrganicSocial;
        if ((medium is not null && OrganicMediums.Contains(medium)) || searchSource) return Channels.OrganicSearch;
        if (medium is not null && ReferralMediums.Contains(medium)) return Channels.Referral;
        if (externalReferrer is not null) return FromReferrer(externalReferrer, null).Channel;
        return Channels.Referral;
    }

    private static ChannelAttribution FromClickId(ClickId click, string? name, string? externalReferrer)
    {
        if (!click.IsPaid)
        {
            // fbclid: Meta tags shared links too; the referrer (l.instagram.com, m.facebook.com) names the network best.
            var source = externalReferrer is not null && SocialDomains.Matches(externalReferrer) ? externalReferrer : click.Source;
            return new ChannelAttribution(click.Channel, source, "referral", name);
        }
        var medium = click.Channel == Channels.Display ? "display" : "cpc";
        return new ChannelAttribution(click.Channel, click.Source, medium, name);
    }

    private static ChannelAttribution FromReferrer(string host, string? name)
    {
        if (EmailDomains.Matches(host)) return new ChannelAttribution(Channels.Email, host, "email", name);
        if (SearchDomains.Matches(host)) return new ChannelAttribution(Channels.OrganicSearch, host, "organic", name);
        if (SocialDomains.Matches(host)) return new ChannelAttribution(Channels.OrganicSocial, host, "referral", name);
        return new ChannelAttribution(Channels.Referral, host, "referral", name);
    }

    private static bool IsPaidMedium(string medium) =>
        PaidMediums.Contains(medium)
        || medium.StartsWith("paid", StringComparison.OrdinalIgnoreCase)
        || medium.Contains("cpc", StringComparison.OrdinalIgnoreCase)
        || medium.Contains("ppc", StringComparison.OrdinalIgnoreCase);

    private static ClickId? FindClickId(ReadOnlySpan<char> key)
    {
        foreach (var click in Channels.ClickIds)
        {
            if (key.Equals(click.Parameter, StringComparison.OrdinalIgnoreCase)) return click;
        }
        return null;
    }

    /// <summary>The same host, or one is a subdomain of the other (shop.example and checkout.shop.example).</summary>
    private static bool SameSite(string referrerHost, string? pageHost)
    {
        if (pageHost is null) return false;
        if (referrerHost == pageHost) return true;
        return IsSubdomain(referrerHost, pageHost) || IsSubdomain(pageHost, referrerHost);
    }

    private static bool IsSubdomain(string host, string parent) =>
        host.Length > parent.Length + 1
        && host.EndsWith(parent, StringComparison.Ordinal)
        && host[host.Length - parent.Length - 1] == '.';

    private static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return value.Trim();
    }
}

/// <summary>A case-insensitive set of names, looked up without allocating.</summary>
internal sealed class NameSet
{
    private readonly HashSet<string> _names;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NameSet(IEnumerable<string> names)
    {
        _names = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool Contains(ReadOnlySpan<char> name) => _lookup.Contains(name.Trim());
}

/// <summary>
/// Host patterns: "shop.example" matches the host and its subdomains; "google.*" matches the
/// label "google" followed by any suffix (google.com, www.google.co.uk).
/// </summary>
internal sealed class DomainList
{
    private readonly NameSet _domains;
    private readonly NameSet _anySuffix;

    public DomainList(IEnumerable<string> patterns)
    {
        var list = patterns.ToList();
        _domains = new NameSet(list.Where(p => !p.EndsWith(".*", StringComparison.Ordinal)));
        _anySuffix = new NameSet(list.Where(p => p.EndsWith(".*", StringComparison.Ordinal)).Select(p => p[..^2]));
    }

    /// <summary>Matches a normalised (lower-case) host.</summary>
    public bool Matches(string? host)
    {
        if (string.IsNullOrEmpty(host)) return false;
        var span = host.AsSpan();

        // The host and each parent domain: a.b.shop.example, b.shop.example, shop.example, example.
        var rest = span;
        while (true)
        {
            if (_domains.Contains(rest)) return true;
            var dot = rest.IndexOf('.');
            if (dot < 0) break;
            rest = rest[(dot + 1)..];
        }

        // Any label but the last followed by a suffix: google.com, www.google.co.uk.
        rest = span;
        while (true)
        {
            var dot = rest.IndexOf('.');
            if (dot < 0) return false;
            if (_anySuffix.Contains(rest[..dot])) return true;
            rest = rest[(dot + 1)..];
        }
    }
}
