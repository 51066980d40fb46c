namespace Journey.Domain.Enrichment;

/// <summary>
/// The acquisition channels a hit is grouped into (GA4's default channel grouping, reduced to
/// what a shop needs), and the data the <see cref="ChannelClassifier"/> matches against. The lists
/// are data, not code: extend them here.
/// </summary>
public static class Channels
{
    public const string OrganicSearch = "organic search";
    public const string PaidSearch = "paid search";
    public const string OrganicSocial = "organic social";
    public const string PaidSocial = "paid social";
    public const string Email = "email";
    public const string Referral = "referral";
    public const string Affiliate = "affiliate";
    public const string Display = "display";
    public const string Direct = "direct";

    public static IReadOnlyList<string> All { get; } =
        [OrganicSearch, PaidSearch, OrganicSocial, PaidSocial, Email, Referral, Affiliate, Display, Direct];

    /// <summary>
    /// Search engines as a <c>utm_source</c> value (compared case-insensitively; a source with a dot
    /// is matched against <see cref="SearchEngineDomains"/> instead).
    /// </summary>
    public static IReadOnlyList<string> SearchEngineSources { get; } =
    [
        "google", "bing", "yahoo", "duckduckgo", "baidu", "yandex", "ecosia", "naver", "seznam", "qwant",
        "startpage", "sogou", "ask", "aol", "daum", "brave", "petal",
    ];

    /// <summary>
    /// Search engine hosts. An entry matches the host itself and its subdomains; "name.*" matches
    /// the name under any suffix (google.com, www.google.co.uk, images.google.de). Android app
    /// referrers match by package name.
    /// </summary>
    public static IReadOnlyList<string> SearchEngineDomains { get; } =
    [
        "google.*", "bing.com", "yahoo.*", "duckduckgo.com", "baidu.com", "yandex.*", "ya.ru", "ecosia.org",
        "naver.com", "seznam.cz", "qwant.com", "startpage.com", "sogou.com", "ask.com", "search.aol.com",
        "daum.net", "search.brave.com", "so.com", "petalsearch.com", "com.google.android.googlequicksearchbox",
    ];

    /// <summary>Social networks as a <c>utm_source</c> value (fb and ig are the usual short forms).</summary>
    public static IReadOnlyList<string> SocialSources { get; } =
    [
        "facebook", "fb", "instagram", "ig", "twitter", "x", "linkedin", "pinterest", "reddit", "youtube",
        "tiktok", "snapchat", "tumblr", "vk", "whatsapp", "telegram", "threads", "quora", "discord",
        "messenger", "weibo", "line", "mastodon", "bluesky", "xing", "wechat",
    ];

    /// <summary>Social network hosts and apps (same matching as <see cref="SearchEngineDomains"/>).</summary>
    public static IReadOnlyList<string> SocialDomains { get; } =
    [
        "facebook.com", "fb.com", "fb.me", "messenger.com", "instagram.com", "t.co", "twitter.com", "x.com",
        "linkedin.com", "lnkd.in", "pinterest.*", "pin.it", "reddit.com", "youtube.com", "youtu.be",
        "tiktok.com", "snapchat.com", "tumblr.com", "vk.com", "whatsapp.com", "wa.me", "t.me", "telegram.org",
        "threads.net", "quora.com", "discord.com", "discord.gg", "weibo.com", "line.me", "mastodon.social",
        "bsky.app", "xing.com", "ok.ru", "com.facebook.katana", "com.facebook.orca", "com.instagram.android",
        "com.twitter.android", "com.linkedin.android", "com.pinterest", "com.reddit.frontpage",
        "org.telegram.messenger", "com.whatsapp", "com.zhiliaoapp.musically",
    ];

    /// <summary>Webmail hosts and mail apps: a click from them is an email visit even without UTM tags.</summary>
    public static IReadOnlyList<string> EmailDomains { get; } =
    [
        "mail.google.com", "com.google.android.gm", "outlook.live.com", "outlook.office.com",
        "outlook.office365.com", "mail.yahoo.com", "mail.aol.com", "mail.proton.me",
        "com.microsoft.office.outlook",
    ];

    /// <summary>
    /// Payment pages a customer comes back from during checkout. They are not a new source: a hit
    /// referred by one of them (without UTM tags) counts as direct, like a same-site referrer.
    /// </summary>
    public static IReadOnlyList<string> IgnoredReferrerDomains { get; } =
    [
        "paypal.com", "stripe.com", "klarna.com", "adyen.com", "mollie.com", "sofort.com", "pay.google.com",
    ];

    /// <summary>utm_medium values of paid traffic; also any medium starting with "paid" or containing "cpc"/"ppc".</summary>
    public static IReadOnlyList<string> PaidMediums { get; } = ["cpc", "ppc", "cpa", "cpv", "cpp", "sem", "retargeting", "paid"];

    /// <summary>Paid mediums that mean search ads when the source is not a known network.</summary>
    public static IReadOnlyList<string> PaidSearchMediums { get; } = ["cpc", "ppc", "sem"];

    public static IReadOnlyList<string> DisplayMediums { get; } = ["display", "banner", "expandable", "interstitial", "cpm"];

    /// <summary>Email as a medium or a source.</summary>
    public static IReadOnlyList<string> EmailMediums { get; } = ["email", "e-mail", "e_mail", "e mail", "newsletter"];

    public static IReadOnlyList<string> AffiliateMediums { get; } = ["affiliate", "affiliates"];

    public static IReadOnlyList<string> SocialMediums { get; } =
        ["social", "social-network", "social-media", "sm", "social network", "social media", "social_network", "social_media"];

    public static IReadOnlyList<string> OrganicMediums { get; } = ["organic"];

    public static IReadOnlyList<string> ReferralMediums { get; } = ["referral", "app", "link"];

    /// <summary>
    /// Ad-click ids that ad networks append to landing-page URLs. Google's and Microsoft's ids only
    /// come from ads (paid search); TikTok's, X's, LinkedIn's, Snapchat's and Pinterest's from
    /// ads too (paid social). Meta appends <c>fbclid</c> to every outbound link, shared posts
    /// included, so <c>fbclid</c> alone means organic social and only a paid medium makes it paid.
    /// </summary>
    public static IReadOnlyList<ClickId> ClickIds { get; } =
    [
        new("gclid", PaidSearch, "google"),
        new("gbraid", PaidSearch, "google"),
        new("wbraid", PaidSearch, "google"),
        new("msclkid", PaidSearch, "bing"),
        new("yclid", PaidSearch, "yandex"),
        new("dclid", Display, "google"),
        new("ttclid", PaidSocial, "tiktok"),
        new("twclid", PaidSocial, "twitter"),
        new("li_fat_id", PaidSocial, "linkedin"),
        new("ScCid", PaidSocial, "snapchat"),
        new("epik", PaidSocial, "pinterest"),
        new("fbclid", OrganicSocial, "facebook"),
    ];
}

/// <summary>
/// An ad-click id query parameter: the channel it means on its own (<see cref="Channel"/>) and the
/// network it comes from (<see cref="Source"/>).
/// </summary>
public sealed record ClickId(string Parameter, string Channel, string Source)
{
    /// <summary>True when the click id belongs to a social network (fbclid, ttclid, ...).</summary>
    public bool IsSocial => Channel is Channels.PaidSocial or Channels.OrganicSocial;

    public bool IsSearch => Channel is Channels.PaidSearch;

    /// <summary>True when the id alone proves a paid click.</summary>
    public bool IsPaid => Channel is Channels.PaidSearch or Channels.PaidSocial or Channels.Display;
}
