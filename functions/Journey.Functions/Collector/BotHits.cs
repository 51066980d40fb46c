using System.Collections.Concurrent;
using Journey.Domain.Enrichment;
using Journey.Domain.Events;

namespace Journey.Functions.Collector;

/// <summary>
/// The collector's hits classed as bots since this instance started, per reason
/// (<see cref="DeviceClassifier.BotReason"/>). Bot events still reach the stream and the processor
/// keeps them out of journeys; these counts make them visible in <c>GET /health</c> and the
/// <see cref="Header"/> on the answer.
/// </summary>
public sealed class BotHits
{
    /// <summary>The response header on a collector answer whose events were classed as bots.</summary>
    public const string Header = "Journey-Hit";

    private readonly ConcurrentDictionary<string, long> _byReason = new(StringComparer.Ordinal);

    /// <summary>Counts the bot events among <paramref name="events"/>; returns the header value to send, or null when none is a bot.</summary>
    public string? Record(IReadOnlyList<JourneyEvent> events)
    {
        string? first = null;
        var bots = 0;
        foreach (var e in events)
        {
            if (!e.IsBot) continue;
            var reason = DeviceClassifier.BotReason(e.UserAgent) ?? "bot";
            _byReason.AddOrUpdate(reason, 1, static (_, n) => n + 1);
            first ??= reason;
            bots++;
        }
        if (first is null) return null;
        return events.Count == 1 ? $"bot; reason=\"{first}\"" : $"bot; reason=\"{first}\"; bots={bots}; events={events.Count}";
    }

    /// <summary>Bot events per reason since start, by reason name.</summary>
    public IReadOnlyDictionary<string, long> ByReason() =>
        new SortedDictionary<string, long>(_byReason.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    public long Total => _byReason.Values.Sum();
}
