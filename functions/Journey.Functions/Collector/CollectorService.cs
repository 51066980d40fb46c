using System.Net;
using Journey.Application.Collection;
using Journey.Domain.Collection;
using Journey.Domain.Enrichment;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Telemetry;
using Microsoft.Extensions.Options;

namespace Journey.Functions.Collector;

/// <summary>The collector's HTTP side: write keys, the visitor's privacy signals, the enrichment context, and the answers around the <see cref="EventCollector"/>.</summary>
public sealed class CollectorService
{
    private readonly EventCollector _collector;
    private readonly TimeProvider _clock;
    private readonly ILogger<CollectorService> _logger;
    private readonly CollectorOptions _options;
    private readonly IReadOnlySet<string> _writeKeys;
    private readonly EnrichmentOptions _enrichment;
    private readonly HashSet<string> _origins;

    public CollectorService(IEventStream stream, TimeProvider clock, IOptions<CollectorOptions> options, ILogger<CollectorService> logger)
    {
        _clock = clock;
        _logger = logger;
        _options = options.Value;
        _collector = new EventCollector(stream, _options.DoNotTrack);
        _writeKeys = _options.AcceptedWriteKeys();
        _enrichment = new EnrichmentOptions { AnonymizeIp = _options.AnonymizeIp };
        _origins = new HashSet<string>(_options.Origins(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The hits classed as bots since start, per reason.</summary>
    public BotHits Bots { get; } = new();

    /// <summary>
    /// Null when the request may be recorded: any origin while <c>Collector:AllowedOrigins</c> is open,
    /// else an origin it lists, or no origin at all (a server-side client sends neither <c>Origin</c> nor <c>Referer</c>).
    /// Otherwise the 403 answer naming the origin and the setting.
    /// </summary>
    public IResult? RefuseOrigin(HttpRequest request)
    {
        if (_origins.Count == 0) return null;
        var origin = RequestOrigin.Of(request);
        if (origin is null || _origins.Contains(origin)) return null;
        return ErrorResponses.Forbidden(
            $"Requests from the origin '{origin}' are not accepted: Collector:AllowedOrigins (Collector__AllowedOrigins) lists {string.Join(", ", _origins.Order(StringComparer.Ordinal))}. Nothing was recorded.",
            "origin");
    }

    public bool IsAccepted(string? writeKey) => writeKey is not null && _writeKeys.Contains(writeKey);

    /// <summary>What to do with this request's events: the visitor opted out with <c>DNT: 1</c> or the opt-out cookie.</summary>
    public PrivacyAction PrivacyFor(HttpRequest request)
    {
        var dnt = request.Headers["DNT"].FirstOrDefault() == "1";
        var optedOut = request.Cookies.TryGetValue(_options.OptOutCookie, out var v) && v is "1" or "true" or "yes";
        return _collector.ActionFor(dnt || optedOut);
    }

    public CollectorContext Context(HttpContext http, string writeKey, PrivacyAction privacy) => new()
    {
        ReceivedAt = _clock.GetUtcNow(),
        RemoteIp = ClientIp(http),
        UserAgent = http.Request.Headers.UserAgent.FirstOrDefault(),
        Referer = http.Request.Headers.Referer.FirstOrDefault(),
        Source = writeKey,
        Enrichment = _enrichment,
        OmitIp = privacy == PrivacyAction.Anonymize,
    };

    /// <summary>Appends the events read from a request durably; null on success, else the answer to send (400 for invalid input, 503 when the stream cannot accept).</summary>
    public async Task<IResult?> AcceptAsync(HttpContext http, CollectionResult result, PrivacyAction privacy, CancellationToken ct)
    {
        if (!result.IsSuccess) return ErrorResponses.BadRequest(result.Error.Error, result.Error.Field);
        try
        {
            await _collector.AcceptAsync(result.Events, privacy, ct);
            if (Bots.Record(result.Events) is { } botHeader) http.Response.Headers[BotHits.Header] = botHeader;
            return null;
        }
        catch (StreamUnavailableException ex)
        {
            _logger.StreamRefusedEvents(ex, result.Events.Count);
            return ErrorResponses.Unavailable(http, "The event stream is unavailable; nothing was accepted. Retry later.", ex.RetryAfter);
        }
    }

    /// <summary>The base URL clients should send to: the configured public URL, or the request's own scheme and host.</summary>
    public Uri PublicBaseUri(HttpRequest request) =>
        _options.PublicUrl is { Length: > 0 } url ? new Uri(url) : new Uri($"{request.Scheme}://{request.Host}{request.PathBase}");

    private static string? ClientIp(HttpContext http)
    {
        var forwarded = http.Request.Headers["X-Forwarded-For"].FirstOrDefault();
        if (!string.IsNullOrEmpty(forwarded))
        {
            var first = forwarded.Split(',')[0].Trim();
            if (IPAddress.TryParse(first, out _)) return first;
        }
        return http.Connection.RemoteIpAddress?.ToString();
    }
}
