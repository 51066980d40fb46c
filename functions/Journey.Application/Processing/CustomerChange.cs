using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Events;

namespace Journey.Application.Processing;

/// <summary>
/// What a customer write adds: the customer as it will be written (refolded with the events), the
/// events it adds and the stages the customer had reached before them.
/// </summary>
public sealed record CustomerChange(CustomerDocument Customer, IReadOnlyList<JourneyEvent> Added, IReadOnlyDictionary<Stage, DateTimeOffset> StagesBefore)
{
    /// <summary>The stages the customer entered with these events, in journey order, each from the furthest stage before it.</summary>
    public IReadOnlyList<StageChange> StageChanges()
    {
        var changes = new List<StageChange>();
        Stage? from = StagesBefore.Count == 0 ? null : StagesBefore.Keys.Max();
        foreach (var (stage, at) in Customer.StageReachedAt.OrderBy(s => s.Key))
        {
            if (StagesBefore.ContainsKey(stage)) continue;
            var trigger = Added.Where(e => e.Timestamp <= at).OrderByDescending(e => e.Timestamp).Select(e => e.MessageId).FirstOrDefault();
            changes.Add(new StageChange(from, stage, at, trigger));
            from = stage;
        }
        return changes;
    }
}

/// <summary>
/// A step the processor runs on every customer write, after the refold and before the document is
/// written (the feedback capture, the action rules). Before, not after: once the document holds the
/// events a redelivered batch finds them applied and adds nothing, so a step that failed after the write
/// would be lost. A step may run again for the same change (a conflict retry, a redelivery after the
/// document write failed), so what it writes must be idempotent; when it throws, nothing of the
/// customer is written and the batch fails.
/// </summary>
public interface ICustomerChangeStep
{
    /// <summary>Whether the step may have something to do with these events (the processor then tracks what each write adds).</summary>
    bool Concerns(IReadOnlyList<JourneyEvent> events);

    Task ApplyAsync(CustomerChange change, CancellationToken cancellationToken);
}
