using Journey.Domain.Actions;

namespace Journey.Adapters.Actions.Email;

/// <summary>
/// The emails this process sent, or is sending, per customer over the frequency cap's window: what the outbox may not
/// record yet. <see cref="TryReserveAsync"/> counts the outbox's record and these together and reserves the action's
/// place under a per-customer lock (one of a fixed set of stripes), so concurrent deliveries to one customer cannot both
/// pass the cap. A reservation is <see cref="Confirm">confirmed</see> once the email is sent, or
/// <see cref="Release">released</see> when it was not; entries older than the window are dropped (a customer's when it
/// is seen again, everyone's at most once a day), so the ledger holds about one window of this process's emails.
/// </summary>
internal sealed class EmailCapLedger(TimeSpan window)
{
    private const int Stripes = 64;

    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _byCustomer = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateTimeOffset _sweptAt = DateTimeOffset.MinValue;

    /// <summary>
    /// Reserves the action's email when fewer than <paramref name="cap"/> other emails of its customer are recorded
    /// (by <paramref name="recorded"/>, the outbox: the ids of the customer's other actions emailed in the window) or
    /// held here; returns null then, else the count that reached the cap.
    /// </summary>
    public async Task<int?> TryReserveAsync(
        ActionDocument action, Func<ActionDocument, CancellationToken, Task<IReadOnlyCollection<string>>> recorded, int cap, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stripe = _locks[(StringComparer.Ordinal.GetHashCode(action.CustomerId) & int.MaxValue) % Stripes];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var ids = new HashSet<string>(await recorded(action, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
            lock (_gate)
            {
                var held = Held(action.CustomerId, now);
                ids.UnionWith(held.Keys.Where(id => id != action.Id));
                if (ids.Count >= cap) return ids.Count;
                held[action.Id] = now;
                return null;
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>The reserved email went out at <paramref name="at"/>.</summary>
    public void Confirm(ActionDocument action, DateTimeOffset at)
    {
        lock (_gate) Held(action.CustomerId, at)[action.Id] = at;
    }

    /// <summary>The reserved email did not go out: its place is free again.</summary>
    public void Release(ActionDocument action)
    {
        lock (_gate)
        {
            if (!_byCustomer.TryGetValue(action.CustomerId, out var held)) return;
            held.Remove(action.Id);
            if (held.Count == 0) _byCustomer.Remove(action.CustomerId);
        }
    }

    /// <summary>The customer's entries still inside the window (call under <see cref="_gate"/>).</summary>
    private Dictionary<string, DateTimeOffset> Held(string customerId, DateTimeOffset now)
    {
        if (now - _sweptAt > TimeSpan.FromDays(1))
        {
            _sweptAt = now;
            foreach (var (id, entries) in _byCustomer.ToList())
            {
                if (entries.Values.All(at => at <= now - window)) _byCustomer.Remove(id);
            }
        }
        if (!_byCustomer.TryGetValue(customerId, out var held))
        {
            held = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            _byCustomer[customerId] = held;
        }
        foreach (var id in held.Where(e => e.Value <= now - window).Select(e => e.Key).ToList()) held.Remove(id);
        return held;
    }
}
