using System.Security.Cryptography;
using System.Text.Json;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Privacy;
using Microsoft.Extensions.Logging;

namespace Journey.Application.Privacy;

/// <summary>
/// The suppression list in memory: the keyed hashes of erased people's ids and email addresses, loaded from
/// the <see cref="ISuppressionStore"/> and refreshed every <see cref="RefreshInterval"/>, so that the processor
/// checks each event without a store read. An erasure in this process updates it at once; other instances
/// (Azure scales out) learn of it at their next refresh.
/// </summary>
/// <remarks>
/// Values are hashed with HMAC-SHA256 under a per-installation key (<see cref="SuppressionHash"/>): 32 random
/// bytes made by the first instance that needs one and kept in the store next to the entries. An empty list,
/// the usual case, costs the processor one comparison per batch and no hashing.
/// </remarks>
public sealed class SuppressionList(ISuppressionStore store, TimeProvider clock, ILogger<SuppressionList> logger) : IDisposable
{
    /// <summary>How old the loaded list may get before the next batch loads it again.</summary>
    public static TimeSpan RefreshInterval { get; } = TimeSpan.FromMinutes(1);

    private sealed record Snapshot(byte[] Key, HashSet<string> Hashes, DateTimeOffset LoadedAt);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;
    private long _dropped;

    /// <summary>Events dropped because they carried a suppressed id or email since the process started.</summary>
    public long EventsDropped => Interlocked.Read(ref _dropped);

    /// <summary>Entries in the loaded list (0 before the first load).</summary>
    public int Entries => _snapshot?.Hashes.Count ?? 0;

    /// <summary>Loads the list when it never was, or is older than <see cref="RefreshInterval"/>. A failed refresh keeps the list loaded before (and is tried again next time); a failed first load throws.</summary>
    public async ValueTask EnsureFreshAsync(CancellationToken cancellationToken)
    {
        var current = _snapshot;
        if (current is not null && clock.GetUtcNow() - current.LoadedAt < RefreshInterval) return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            current = _snapshot;
            if (current is not null && clock.GetUtcNow() - current.LoadedAt < RefreshInterval) return;
            try
            {
                _snapshot = await LoadAsync(current?.Key, cancellationToken);
            }
            catch (Exception ex) when (current is not null && ex is not OperationCanceledException)
            {
                logger.SuppressionRefreshFailed(ex, current.Hashes.Count);
                _snapshot = current with { LoadedAt = clock.GetUtcNow() };
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Snapshot> LoadAsync(byte[]? key, CancellationToken cancellationToken)
    {
        key ??= await store.GetOrAddKeyAsync(RandomNumberGenerator.GetBytes(SuppressionHash.KeyBytes), cancellationToken);
        var entries = await store.ListAsync(cancellationToken);
        var hashes = new HashSet<string>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries) hashes.Add(entry.Hash);
        return new Snapshot(key, hashes, clock.GetUtcNow());
    }

    private Snapshot Loaded => _snapshot ?? throw new InvalidOperationException($"The suppression list is not loaded: call {nameof(EnsureFreshAsync)} first.");

    /// <summary>True when the event carries a suppressed userId, anonymousId or previousId, or (identify) a suppressed <c>email</c> trait. After <see cref="EnsureFreshAsync"/>.</summary>
    public bool IsSuppressed(JourneyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var snapshot = Loaded;
        if (snapshot.Hashes.Count == 0) return false;
        return Contains(snapshot, SuppressionKinds.Id, e.UserId)
            || Contains(snapshot, SuppressionKinds.Id, e.AnonymousId)
            || Contains(snapshot, SuppressionKinds.Id, e.PreviousId)
            || Contains(snapshot, SuppressionKinds.Email, EmailOf(e.Traits));
    }

    /// <summary>
    /// For a record the processor cannot read as an event (bad JSON, a value of the wrong type): true when it is a
    /// JSON object whose top-level <c>userId</c>, <c>anonymousId</c> or <c>previousId</c>, or <c>traits.email</c>, is
    /// suppressed, so that not even its dead letter is stored. After <see cref="EnsureFreshAsync"/>.
    /// </summary>
    public bool IsSuppressed(ReadOnlySpan<byte> rawJson)
    {
        var snapshot = Loaded;
        if (snapshot.Hashes.Count == 0) return false;
        try
        {
            var reader = new Utf8JsonReader(rawJson);
            using var json = JsonDocument.ParseValue(ref reader);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return false;
            foreach (var name in (ReadOnlySpan<string>)["userId", "anonymousId", "previousId"])
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && Contains(snapshot, SuppressionKinds.Id, value.GetString()))
                    return true;
            }
            return root.TryGetProperty("traits", out var traits) && Contains(snapshot, SuppressionKinds.Email, EmailOf(traits));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>True when this value of this kind is on the list. After <see cref="EnsureFreshAsync"/>.</summary>
    public bool IsSuppressed(string kind, string value)
    {
        var snapshot = Loaded;
        return snapshot.Hashes.Count > 0 && Contains(snapshot, kind, value);
    }

    /// <summary>Counts events the processor dropped.</summary>
    public void CountDropped(int count)
    {
        if (count > 0) Interlocked.Add(ref _dropped, count);
    }

    /// <summary>Hashes the values, stores the entries not stored yet and adds them to the loaded list at once; returns the entries (one per distinct value).</summary>
    public async Task<IReadOnlyList<SuppressionEntry>> AddAsync(IEnumerable<(string Kind, string Value)> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        await EnsureFreshAsync(cancellationToken);
        var key = Loaded.Key;
        var now = clock.GetUtcNow();
        var entries = values
            .Where(v => !string.IsNullOrWhiteSpace(v.Value))
            .Select(v => new SuppressionEntry(SuppressionHash.Of(key, v.Kind, v.Value), v.Kind, now))
            .DistinctBy(e => e.Hash, StringComparer.Ordinal)
            .ToList();
        if (entries.Count == 0) return entries;
        await store.AddAsync(entries, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = Loaded;
            var hashes = new HashSet<string>(current.Hashes, StringComparer.Ordinal);
            foreach (var entry in entries) hashes.Add(entry.Hash);
            _snapshot = current with { Hashes = hashes };
        }
        finally
        {
            _gate.Release();
        }
        return entries;
    }

    /// <summary>The <c>email</c> trait, when the traits carry one as a string.</summary>
    public static string? EmailOf(JsonElement? traits) =>
        traits is { ValueKind: JsonValueKind.Object } t && t.TryGetProperty("email", out var email) && email.ValueKind == JsonValueKind.String
            ? email.GetString()
            : null;

    private static bool Contains(Snapshot snapshot, string kind, string? value) =>
        !string.IsNullOrWhiteSpace(value) && snapshot.Hashes.Contains(Hash(snapshot.Key, kind, value));

    [ThreadStatic]
    private static IncrementalHash? t_hmac;

    [ThreadStatic]
    private static byte[]? t_hmacKey;

    /// <summary>
    /// <see cref="SuppressionHash.Of"/> with a keyed HMAC kept per thread: setting the key up is most of the cost of
    /// one HMAC, and the processor hashes two or three ids per event once the list is not empty.
    /// </summary>
    private static string Hash(byte[] key, string kind, string value)
    {
        if (!ReferenceEquals(t_hmacKey, key) || t_hmac is null)
        {
            t_hmac?.Dispose();
            t_hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            t_hmacKey = key;
        }
        t_hmac.AppendData(System.Text.Encoding.UTF8.GetBytes(SuppressionHash.Input(kind, value)));
        Span<byte> mac = stackalloc byte[32];
        t_hmac.GetHashAndReset(mac);
        return Convert.ToHexStringLower(mac);
    }

    public void Dispose() => _gate.Dispose();
}
