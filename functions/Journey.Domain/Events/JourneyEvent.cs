using System.Text.Json;
using System.Text.Json.Serialization;

namespace Journey.Domain.Events;

/// <summary>The kinds of message in the Segment spec.</summary>
public enum MessageType
{
    Track,
    Identify,
    Page,
    Screen,
    Group,
    Alias,
}

/// <summary>Device class derived from the user agent.</summary>
public enum DeviceClass
{
    Unknown,
    Desktop,
    Mobile,
    Tablet,
    Bot,
}

/// <summary>
/// One enriched event as it travels on the stream: a Segment message after the collector has
/// validated it, stamped <see cref="ReceivedAt"/>, corrected its clock skew and added device,
/// channel and an anonymised IP.
/// </summary>
public sealed record JourneyEvent
{
    public required string MessageId { get; init; }
    public required MessageType Type { get; init; }

    /// <summary>The event name of a track call (e.g. "Order Completed"); null for other types.</summary>
    public string? Event { get; init; }

    /// <summary>The page or screen name of a page/screen call.</summary>
    public string? Name { get; init; }

    public string? UserId { get; init; }
    public string? AnonymousId { get; init; }

    /// <summary>The id an alias call merges into <see cref="UserId"/>.</summary>
    public string? PreviousId { get; init; }

    public string? GroupId { get; init; }

    /// <summary>When the event happened, corrected for the client's clock skew.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>When the collector received the event.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    /// <summary>The timestamp the client sent, before correction.</summary>
    public DateTimeOffset? OriginalTimestamp { get; init; }

    public JsonElement? Properties { get; init; }
    public JsonElement? Traits { get; init; }

    public PageContext? Page { get; init; }
    public CampaignContext? Campaign { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The client IP, anonymised unless configured otherwise.</summary>
    public string? Ip { get; init; }

    public DeviceClass Device { get; init; }

    /// <summary>The acquisition channel this hit came through (see <see cref="Enrichment.Channels"/>).</summary>
    public string? Channel { get; init; }

    /// <summary>The source the event was sent with (the write key's name), for provenance.</summary>
    public string? Source { get; init; }

    /// <summary>The key that partitions the stream and names the profile: userId, else anonymousId.</summary>
    [JsonIgnore]
    public string ProfileKey => UserId ?? AnonymousId ?? throw new InvalidOperationException($"Event {MessageId} has neither userId nor anonymousId.");

    [JsonIgnore]
    public bool IsBot => Device == DeviceClass.Bot;
}

public sealed record PageContext
{
    public string? Url { get; init; }
    public string? Path { get; init; }
    public string? Referrer { get; init; }
    public string? Title { get; init; }
    public string? Search { get; init; }
}

public sealed record CampaignContext
{
    public string? Source { get; init; }
    public string? Medium { get; init; }
    public string? Name { get; init; }
    public string? Term { get; init; }
    public string? Content { get; init; }
}
