using Journey.Application.Processing;
using Journey.Domain.Actions;

namespace Journey.Application.Actions;

/// <summary>Decides whether a due action is still wanted (<see cref="ActionRelease"/>).</summary>
public interface IActionRelease
{
    Task<ReleaseDecision> DecideAsync(ActionDocument action, CancellationToken cancellationToken);
}

/// <summary>The release check against the customer document as it is now, found by any of its ids (merges followed).</summary>
public sealed class CustomerActionRelease(CustomerLookup customers, ActionRelease release, TimeProvider clock) : IActionRelease
{
    public async Task<ReleaseDecision> DecideAsync(ActionDocument action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var current = await customers.FindAsync(action.CustomerId, cancellationToken).ConfigureAwait(false);
        return release.Decide(action, current?.Document, clock.GetUtcNow());
    }
}
