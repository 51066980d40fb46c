using Journey.Domain.Actions;

namespace Journey.Domain.Ports;

/// <summary>The <c>actions</c> container: the outbox of follow-ups.</summary>
public interface IActionStore
{
    /// <summary>Adds the actions whose id is not stored yet; returns those it added (a replay adds none).</summary>
    Task<IReadOnlyList<ActionDocument>> AddAsync(IReadOnlyCollection<ActionDocument> actions, CancellationToken cancellationToken);

    /// <summary>Pending actions with <c>DueAt</c> and <c>NextAttemptAt</c> (when set) at or before <paramref name="now"/>, oldest due first, at most <paramref name="max"/>, with their ETags.</summary>
    Task<IReadOnlyList<Versioned<ActionDocument>>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Replaces an action if it is still at <paramref name="ifMatch"/>; returns the new ETag.</summary>
    /// <exception cref="ConcurrencyConflictException">Another dispatcher changed it first.</exception>
    Task<string> ReplaceAsync(ActionDocument action, string ifMatch, CancellationToken cancellationToken);

    /// <summary>A customer's actions, by creation time.</summary>
    Task<IReadOnlyList<ActionDocument>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Actions filtered by type, status and creation time (each optional), newest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ActionDocument>> ListAsync(string? actionType, string? status, DateTimeOffset? since, int max, CancellationToken cancellationToken);

    /// <summary>Deletes every action of the customer (erasure).</summary>
    Task DeleteCustomerAsync(string customerId, CancellationToken cancellationToken);
}

/// <summary>How one delivery attempt went.</summary>
/// <param name="Delivered">The destination accepted the action.</param>
/// <param name="Permanent">It failed and trying again cannot help (a 4xx answer, no address): the destination is given up for this action.</param>
/// <param name="Skipped">Not delivered on purpose (opted out, no email address, over the frequency cap): counts as done.</param>
public sealed record DeliveryOutcome(bool Delivered, bool Permanent = false, bool Skipped = false, string? Error = null)
{
    public static DeliveryOutcome Success { get; } = new(true);
    public static DeliveryOutcome Retry(string error) => new(false, Error: error);
    public static DeliveryOutcome GiveUp(string error) => new(false, Permanent: true, Error: error);
    public static DeliveryOutcome Skip(string reason) => new(false, Skipped: true, Error: reason);
}

/// <summary>A place actions are delivered to (a webhook, email, an event hub).</summary>
public interface IActionDestination
{
    /// <summary>Unique among the destinations; the key of <see cref="ActionDocument.Deliveries"/>.</summary>
    string Name { get; }

    /// <summary>Whether this destination takes actions of this type.</summary>
    bool Accepts(string actionType);

    /// <summary>Delivers once; never throws for a failure of the destination (that is the outcome).</summary>
    Task<DeliveryOutcome> DeliverAsync(ActionDocument action, CancellationToken cancellationToken);
}
