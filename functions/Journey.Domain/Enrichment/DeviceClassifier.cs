using System.Buffers;
using Journey.Domain.Events;

namespace Journey.Domain.Enrichment;

/// <summary>
/// Classifies a user agent into a <see cref="DeviceClass"/> with a few ordered substring rules
/// (no regex, no UA database). The first rule that matches wins:
/// <list type="number">
/// <item>empty → <see cref="DeviceClass.Unknown"/>;</item>
/// <item>crawlers, monitors, headless browsers and HTTP libraries → <see cref="DeviceClass.Bot"/>
/// (a "bot" token counts everywhere except inside the phone brand "Cubot");</item>
/// <item>iPad, Kindle, Silk, PlayBook, "Tablet" (but not Windows' "Tablet PC") → <see cref="DeviceClass.Tablet"/>;</item>
/// <item>iPhone, iPod, Windows Phone, Opera Mini, BlackBerry, BB10, "Mobi" (Mobile, IEMobile, Mobile Safari),
/// and Android apps' Dalvik agent → <see cref="DeviceClass.Mobile"/>;</item>
/// <item>any other Android (Android without "Mobile") → <see cref="DeviceClass.Tablet"/>;</item>
/// <item>a desktop OS (Windows, Macintosh, X11 incl. ChromeOS, Linux, BSD) → <see cref="DeviceClass.Desktop"/>;</item>
/// <item>anything else (e.g. an iOS app's "Shop/3.2 CFNetwork/1240 Darwin/20.5") → <see cref="DeviceClass.Unknown"/>.</item>
/// </list>
/// Known limit: iPadOS 13+ Safari asks for desktop sites by default and sends a Macintosh user
/// agent that cannot be told from a Mac's, so those iPads count as Desktop.
/// </summary>
public static class DeviceClassifier
{
    /// <summary>Crawlers, link previewers, monitors and headless browsers ("bot" is handled apart).</summary>
    public static IReadOnlyList<string> CrawlerTokens { get; } =
    [
        "spider", "crawl", "slurp", "facebookexternalhit", "facebot", "headless", "lighthouse", "pingdom",
        "phantomjs", "ia_archiver", "mediapartners-google", "google-inspectiontool", "apis-google",
        "feedfetcher", "bingpreview", "gtmetrix", "prerender", "synthetics", "scrapy", "site24x7",
        "statuscake", "uptime", "selenium", "puppeteer", "playwright",
    ];

    /// <summary>
    /// HTTP client libraries and command-line tools. A page view from one of them is not a person;
    /// but a Segment message posted by server code through one of them is a server-side call (see
    /// <see cref="IsHttpClientLibrary"/>).
    /// </summary>
    public static IReadOnlyList<string> HttpLibraryTokens { get; } =
    [
        "curl/", "wget/", "python-requests", "python-urllib", "python-httpx", "aiohttp", "go-http-client",
        "java/", "okhttp", "apache-httpclient", "libwww-perl", "axios/", "node-fetch", "undici", "got (",
        "http.rb", "faraday", "guzzlehttp", "restsharp", "postmanruntime", "insomnia", "httpie",
        "analytics-node", "analytics-python", "analytics-ruby", "analytics-java", "analytics-go",
        "analytics-php", "analytics-dotnet",
    ];

    /// <summary>Tablet markers; "tablet" itself is checked apart because of Windows' "Tablet PC".</summary>
    public static IReadOnlyList<string> TabletTokens { get; } = ["ipad", "kindle", "silk/", "playbook"];

    public static IReadOnlyList<string> MobileTokens { get; } =
        ["iphone", "ipod", "windows phone", "opera mini", "blackberry", "bb10", "mobi", "dalvik/"];

    public static IReadOnlyList<string> DesktopTokens { get; } =
        ["windows", "macintosh", "mac os x", "x11", "linux", "freebsd", "openbsd"];

    private static readonly SearchValues<string> Crawlers = Create(CrawlerTokens);
    private static readonly SearchValues<string> HttpLibraries = Create(HttpLibraryTokens);
    private static readonly SearchValues<string> Tablets = Create(TabletTokens);
    private static readonly SearchValues<string> Mobiles = Create(MobileTokens);
    private static readonly SearchValues<string> Desktops = Create(DesktopTokens);

    public static DeviceClass Classify(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return DeviceClass.Unknown;
        var ua = userAgent.AsSpan();

        if (IsBot(ua)) return DeviceClass.Bot;
        if (ua.ContainsAny(Tablets) || ContainsTabletWord(ua)) return DeviceClass.Tablet;
        if (ua.ContainsAny(Mobiles)) return DeviceClass.Mobile;
        if (ua.Contains("android", StringComparison.OrdinalIgnoreCase)) return DeviceClass.Tablet;
        if (ua.ContainsAny(Desktops)) return DeviceClass.Desktop;
        return DeviceClass.Unknown;
    }

    /// <summary>
    /// True when the agent is an HTTP library or a Segment server library and not a crawler: the
    /// header a server sends when it posts events on a customer's behalf. Such a call says nothing
    /// about the customer's device.
    /// </summary>
    public static bool IsHttpClientLibrary(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return false;
        var ua = userAgent.AsSpan();
        return ua.ContainsAny(HttpLibraries) && !ua.ContainsAny(Crawlers) && !ContainsBotWord(ua);
    }

    /// <summary>
    /// Why <paramref name="userAgent"/> is classed as <see cref="DeviceClass.Bot"/>: the crawler or
    /// HTTP library token it contains (<c>headless</c>, <c>lighthouse</c>, <c>curl</c>, <c>python-requests</c>),
    /// or <c>bot</c> for the bare word (Googlebot, bingbot); null when it is not a bot. The reasons
    /// come from the fixed token lists, so counting by reason stays bounded.
    /// </summary>
    public static string? BotReason(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return null;
        var ua = userAgent.AsSpan();
        if (ua.ContainsAny(Crawlers)) return FirstToken(ua, CrawlerTokens);
        if (ContainsBotWord(ua)) return "bot";
        if (ua.ContainsAny(HttpLibraries)) return FirstToken(ua, HttpLibraryTokens);
        return null;
    }

    private static string FirstToken(ReadOnlySpan<char> ua, IReadOnlyList<string> tokens)
    {
        foreach (var token in tokens)
        {
            if (ua.Contains(token, StringComparison.OrdinalIgnoreCase)) return token.TrimEnd('/', ' ', '(');
        }
        throw new InvalidOperationException("A token matched by the search values is missing from its list.");
    }

    private static bool IsBot(ReadOnlySpan<char> ua) =>
        ua.ContainsAny(Crawlers) || ua.ContainsAny(HttpLibraries) || ContainsBotWord(ua);

    /// <summary>"bot" anywhere (Googlebot, bingbot, AdsBot-Google, Slackbot), except in "Cubot" phones.</summary>
    private static bool ContainsBotWord(ReadOnlySpan<char> ua)
    {
        var offset = 0;
        while (true)
        {
            var i = ua[offset..].IndexOf("bot", StringComparison.OrdinalIgnoreCase);
            if (i < 0) return false;
            var at = offset + i;
            var isCubot = at >= 2 && ua.Slice(at - 2, 2).Equals("cu", StringComparison.OrdinalIgnoreCase);
            if (!isCubot) return true;
            offset = at + 3;
        }
    }

    /// <summary>"Tablet" (Firefox on Android tablets, RIM Tablet OS), except old IE's "Tablet PC 2.0" on pen-capable desktops.</summary>
    private static bool ContainsTabletWord(ReadOnlySpan<char> ua)
    {
        var offset = 0;
        while (true)
        {
            var i = ua[offset..].IndexOf("tablet", StringComparison.OrdinalIgnoreCase);
            if (i < 0) return false;
            var at = offset + i;
            if (!ua[at..].StartsWith("tablet pc", StringComparison.OrdinalIgnoreCase)) return true;
            offset = at + 6;
        }
    }

    private static SearchValues<string> Create(IReadOnlyList<string> tokens) =>
        SearchValues.Create(tokens.ToArray(), StringComparison.OrdinalIgnoreCase);
}
