using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Testing;

/// <summary>
/// An action store fake: documents kept as JSON (as a real store round-trips them) with an ETag that
/// changes on every replace, so two dispatchers over one store conflict as they would on a real one.
/// Thread-safe.
/// </summary>
public sealed class InMemoryActionStore : IActionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Json, string ETag)> _actions = new(StringComparer.Ordinal);
    private long _version;
    private int _replaces;

    /// <summary>Successful calls of <see cref="ReplaceAsync"/> so far.</summary>
    public int Replaces => Volatile.Read(ref _replaces);

    public Task<IReadOnlyList<ActionDocument>> AddAsync(IReadOnlyCollection<ActionDocument> actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actions);
        cancellationToken.ThrowIfCancellationRequested();
        var added = new List<ActionDocument>();
        lock (_gate)
        {
            foreach (var action in actions)
            {
                ArgumentNullException.ThrowIfNull(action, nameof(actions));
                ArgumentException.ThrowIfNullOrEmpty(action.Id, "action.Id");
                if (_actions.TryAdd(action.Id, (JourneyJson.Serialize(action), NewETag()))) added.Add(action);
            }
        }
        return Task.FromResult<IReadOnlyList<ActionDocument>>(added);
    }

    public Task<IReadOnlyList<Versioned<ActionDocument>>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        lock (_gate)
        {
            IReadOnlyList<Versioned<ActionDocument>> due =
            [
                .. _actions.Values
                    .Select(s => new Versioned<ActionDocument>(JourneyJson.Deserialize<ActionDocument>(s.Json), s.ETag))
                    .Where(v => v.Document.Status == ActionStatuses.Pending && v.Document.DueAt <= now && (v.Document.NextAttemptAt is null || v.Document.NextAttemptAt <= now))
                    .OrderBy(v => v.Document.DueAt.UtcTicks)
                    .ThenBy(v => v.Document.Id, StringComparer.Ordinal)
                    .Take(max),
            ];
            return Task.FromResult(due);
        }
    }

    public Task<string> ReplaceAsync(ActionDocument action, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(ifMatch);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_actions.TryGetValue(action.Id, out var stored) || stored.ETag != ifMatch)
                return Task.FromException<string>(new ConcurrencyConflictException($"Action {action.Id} was changed or deleted since it was read (ETag {ifMatch})."));
            var etag = NewETag();
            _actions[action.Id] = (JourneyJson.Serialize(action), etag);
            _replaces++;
            return Task.FromResult(etag);
        }
    }

    public Task<IReadOnlyList<ActionDocument>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        lock (_gate)
        {
            IReadOnlyList<ActionDocument> list =
            [
                .. Stored().Where(a => a.CustomerId == customerId).OrderBy(a => a.CreatedAt.UtcTicks).ThenBy(a => a.Id, StringComparer.Ordinal),
            ];
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<ActionDocument>> ListAsync(string? actionType, string? status, DateTimeOffset? since, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        lock (_gate)
        {
            IReadOnlyList<ActionDocument> list =
            [
                .. Stored()
                    .Where(a => (actionType is null || a.ActionType == actionType) && (status is null || a.Status == status) && (since is null || a.CreatedAt >= since))
                    .OrderByDescending(a => a.CreatedAt.UtcTicks)
                    .ThenBy(a => a.Id, StringComparer.Ordinal)
                    .Take(max),
            ];
            return Task.FromResult(list);
        }
    }

    public Task DeleteCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        lock (_gate)
        {
            foreach (var action in Stored().ToList().Where(a => a.CustomerId == customerId)) _actions.Remove(action.Id);
        }
        return Task.CompletedTask;
    }

    /// <summary>Every stored action (for assertions), ordered by id.</summary>
    public IReadOnlyList<ActionDocument> All()
    {
        lock (_gate) return [.. Stored().OrderBy(a => a.Id, StringComparer.Ordinal)];
    }

    private IEnumerable<ActionDocument> Stored() => _actions.Values.Select(s => JourneyJson.Deserialize<ActionDocument>(s.Json));

    /// <summary>The stored action with this id, or null.</summary>
    public ActionDocument? Find(string id)
    {
        lock (_gate) return _actions.TryGetValue(id, out var stored) ? JourneyJson.Deserialize<ActionDocument>(stored.Json) : null;
    }

    private string NewETag() => $"\"{++_version}\"";
}
