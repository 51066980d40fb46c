using System.Text;
using System.Text.Json;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing;

/// <summary>Builders for events as the collector would put them on the stream.</summary>
public static class Events
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static int _counter;

    public static JourneyEvent Track(string name, string? anonymousId = null, string? userId = null, DateTimeOffset? at = null, object? properties = null, string? messageId = null, string? channel = null) =>
        Make(MessageType.Track, name, anonymousId, userId, at, properties, messageId, channel);

    public static JourneyEvent Page(string path, string? anonymousId = null, string? userId = null, DateTimeOffset? at = null, string? messageId = null, string? channel = null) =>
        Make(MessageType.Page, null, anonymousId, userId, at, null, messageId, channel) with
        {
            Page = new PageContext { Path = path, Url = "https://shop.example" + path },
        };

    public static JourneyEvent Identify(string userId, string anonymousId, DateTimeOffset? at = null, object? traits = null, string? messageId = null) =>
        Make(MessageType.Identify, null, anonymousId, userId, at, null, messageId, null) with
        {
            Traits = traits is null ? null : JsonSerializer.SerializeToElement(traits),
        };

    public static JourneyEvent Alias(string previousId, string userId, DateTimeOffset? at = null) =>
        Make(MessageType.Alias, null, null, userId, at, null, null, null) with { PreviousId = previousId };

    private static JourneyEvent Make(MessageType type, string? name, string? anonymousId, string? userId, DateTimeOffset? at, object? properties, string? messageId, string? channel)
    {
        var t = at ?? T0;
        return new JourneyEvent
        {
            MessageId = messageId ?? $"m-{Interlocked.Increment(ref _counter):D6}",
            Type = type,
            Event = name,
            AnonymousId = anonymousId,
            UserId = userId,
            Timestamp = t,
            ReceivedAt = t,
            Properties = properties is null ? null : JsonSerializer.SerializeToElement(properties),
            Device = DeviceClass.Desktop,
            Channel = channel ?? "direct",
        };
    }

    /// <summary>Stream records for the events, in one partition, numbered from <paramref name="firstSequence"/>.</summary>
    public static List<StreamRecord> Records(IEnumerable<JourneyEvent> events, string partition = "0", long firstSequence = 0)
    {
        var seq = firstSequence;
        return [.. events.Select(e => new StreamRecord(partition, seq++, e.ReceivedAt, JourneyJson.SerializeToUtf8(e)))];
    }

    public static StreamRecord Raw(string body, string partition = "0", long sequence = 0) =>
        new(partition, sequence, T0, Encoding.UTF8.GetBytes(body));
}
