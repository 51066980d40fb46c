using Journey.Application.Processing;
using Journey.Domain.Actions;
using Journey.Domain.Events;
using Journey.Domain.Ports;

namespace Journey.Application.Actions;

/// <summary>
/// The processor's action step: the actions the real-time rules (<see cref="ActionRules"/>) call for on
/// what a customer write adds, added to the outbox before the document is written. Their ids are
/// deterministic and the outbox adds an id once, so a conflict retry, a redelivered batch or a replay of
/// the whole stream creates nothing new.
/// </summary>
public sealed class ActionCapture(ActionRules rules, IActionStore outbox, TimeProvider clock) : ICustomerChangeStep
{
    /// <summary>Any event may change the customer's stage.</summary>
    public bool Concerns(IReadOnlyList<JourneyEvent> events) => events.Count > 0;

    public async Task ApplyAsync(CustomerChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var actions = rules.Evaluate(change.Customer, change.Added, change.StageChanges(), clock.GetUtcNow());
        if (actions.Count > 0) await outbox.AddAsync(actions, cancellationToken);
    }
}
