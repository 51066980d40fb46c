using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Feedback;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace Journey.Application.Processing;

/// <summary>
/// The processor's feedback step: the items of the events a customer write adds
/// (<see cref="FeedbackExtractor"/>), stored in the <c>feedback</c> container before the customer
/// document is written.
/// </summary>
/// <remarks>
/// Before, not after: once the document holds the events, a redelivered batch finds them applied and
/// adds nothing, so a capture that failed after the document write would be lost. Items are stored
/// insert-if-absent under deterministic ids, so a capture repeated (a conflict retry, a batch delivered
/// again after the document write failed) adds nothing twice. A failure of the store fails the batch like
/// any store failure. An item the store refuses for its content (<see cref="DocumentRejectedException"/>:
/// an id it cannot hold, say a message id with a '/') is skipped and logged, by id: a text is secondary
/// to the journey, and its customer's events must not go to the dead letters for it.
/// </remarks>
public sealed class FeedbackCapture(FeedbackExtractor extractor, IFeedbackStore store, ILogger<FeedbackCapture> logger) : ICustomerChangeStep
{
    public bool Concerns(IReadOnlyList<JourneyEvent> events) => MayCarryFeedback(events);

    public Task ApplyAsync(CustomerChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return CaptureAsync(change.Customer, change.Added, cancellationToken);
    }

    /// <summary>True when some of <paramref name="events"/> may carry feedback: the processor asks only then.</summary>
    public bool MayCarryFeedback(IEnumerable<JourneyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Any(extractor.MayCarryFeedback);
    }

    /// <summary>Stores the items of <paramref name="events"/> (just added to <paramref name="customer"/>, which is refolded); returns how many items there were.</summary>
    public async Task<int> CaptureAsync(CustomerDocument customer, IReadOnlyCollection<JourneyEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(events);
        var items = extractor.Extract(customer, events);
        if (items.Count == 0) return 0;
        try
        {
            await store.AddAsync(items, cancellationToken);
        }
        catch (DocumentRejectedException)
        {
            // Find the ones refused: the others are stored one by one.
            foreach (var item in items)
            {
                try
                {
                    await store.AddAsync([item], cancellationToken);
                }
                catch (DocumentRejectedException ex)
                {
                    logger.FeedbackRejected(ex, item.Id, customer.Id);
                }
            }
        }
        return items.Count;
    }
}
