using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Processing;

namespace Journey.Functions.Dashboard;

/// <summary>
/// The dashboard's live counts (<c>GET /api/overview</c>): one scan of every customer projection. The scan
/// grows with the store (about 20 s for a million customers in the embedded store, and a read of every
/// document on Cosmos DB), so it runs at most once at a time, shared by every caller, and its result is
/// reused for ten times as long as it took (at least <see cref="MinimumAge"/>): a laptop's demo refreshes
/// every few seconds, a large store about every few minutes, and the store never does more than a tenth of
/// its work for the dashboard.
/// </summary>
public sealed class LiveOverview(ICustomerStore customers, IDeadLetterStore deadLetters, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan MinimumAge = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Overview? _last;
    private DateTimeOffset _reuseUntil;

    /// <summary>The counts, recomputed when the last ones are older than their reuse time.</summary>
    public async Task<Overview> GetAsync(CancellationToken ct)
    {
        if (_last is { } fresh && clock.GetUtcNow() < _reuseUntil) return fresh;
        await _gate.WaitAsync(ct);
        try
        {
            if (_last is { } computed && clock.GetUtcNow() < _reuseUntil) return computed; // another caller just did it
            var started = clock.GetUtcNow();
            var overview = await ComputeAsync(started, ct);
            var took = clock.GetUtcNow() - started;
            _last = overview with { Seconds = Math.Round(took.TotalSeconds, 3) };
            _reuseUntil = clock.GetUtcNow() + (took * 10 > MinimumAge ? took * 10 : MinimumAge);
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<Overview> ComputeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var stages = Enum.GetValues<Stage>().Where(s => s != Stage.None).ToDictionary(s => s.ToString(), _ => 0L);
        var channels = new SortedDictionary<string, ChannelCounts>(StringComparer.Ordinal);
        long total = 0, orders = 0, sessions = 0, bounces = 0, carts = 0, abandoned = 0;
        decimal revenue = 0;
        await foreach (var c in customers.ScanProjectionsAsync(ct))
        {
            if (c.IsRedirect) continue;
            total++;
            if (c.Stage != Stage.None) stages[c.Stage.ToString()]++;
            orders += c.Orders.Count;
            revenue += c.Orders.Revenue;
            sessions += c.Sessions.Count;
            bounces += c.Sessions.Bounces;
            carts += c.Carts.Created;
            abandoned += c.Carts.Abandoned;
            var channel = c.Acquisition?.Channel ?? "unknown";
            if (!channels.TryGetValue(channel, out var row)) channels[channel] = row = new ChannelCounts();
            row.Customers++;
            if (c.Orders.Count > 0) row.Buyers++;
            row.Revenue += c.Orders.Revenue;
        }
        var dead = await deadLetters.ListAsync(TimelineEntries.Day(now), ct);
        return new Overview(
            now,
            0,
            total,
            stages,
            orders,
            revenue,
            sessions,
            sessions == 0 ? 0 : Math.Round((double)bounces / sessions, 4),
            carts == 0 ? 0 : Math.Round((double)abandoned / carts, 4),
            channels,
            dead.Count);
    }
}

/// <summary>The live counts, as of <see cref="ComputedAt"/>, which took <see cref="Seconds"/>.</summary>
public sealed record Overview(
    DateTimeOffset ComputedAt,
    double Seconds,
    long Customers,
    IReadOnlyDictionary<string, long> Stages,
    long Orders,
    decimal Revenue,
    long Sessions,
    double BounceRate,
    double CartAbandonmentRate,
    IReadOnlyDictionary<string, ChannelCounts> Channels,
    int DeadLettersToday);

public sealed class ChannelCounts
{
    public long Customers { get; set; }
    public long Buyers { get; set; }
    public decimal Revenue { get; set; }
}
