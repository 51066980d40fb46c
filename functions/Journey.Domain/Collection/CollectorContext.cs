using Journey.Domain.Enrichment;

namespace Journey.Domain.Collection;

/// <summary>What the collector knows about a request besides its body: time, client and configuration.</summary>
public sealed record CollectorContext
{
    private static readonly EnrichmentOptions DefaultEnrichment = new();

    /// <summary>When the request arrived (from the injected TimeProvider).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The client address (first X-Forwarded-For entry or the connection's); used when a message has no context.ip.</summary>
    public string? RemoteIp { get; init; }

    /// <summary>The User-Agent header; used when a message has no context.userAgent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// The Referer header. For the pixel it is the page that loaded the image, so it stands in for
    /// a missing <c>url</c> parameter; Segment messages ignore it.
    /// </summary>
    public string? Referer { get; init; }

    /// <summary>The name of the write key the request was sent with, stamped on the events as <c>source</c>.</summary>
    public string? Source { get; init; }

    public EnrichmentOptions Enrichment { get; init; } = DefaultEnrichment;

    /// <summary>Prepended to every error field, for callers that nest messages (e.g. "lines[12].").</summary>
    public string FieldPrefix { get; init; } = "";

    /// <summary>
    /// Keep no IP at all: for a browser that sent <c>DNT: 1</c> (or an opt-out) when the collector
    /// is configured to anonymise such traffic rather than drop it.
    /// </summary>
    public bool OmitIp { get; init; }

    /// <summary>
    /// The input is stored history (an import or a replay), not live traffic: a message's own
    /// <c>receivedAt</c> is kept and the clock skew is corrected against it; a message without one
    /// keeps its timestamp as is (it is not moved to the import time); and a missing messageId is
    /// derived from the message's bytes, so importing the same file twice yields the same ids.
    /// </summary>
    public bool Historical { get; init; }
}
