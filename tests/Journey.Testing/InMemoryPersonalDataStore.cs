using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;

namespace Journey.Testing;

/// <summary>Erasure's reads and deletes over the in-memory fakes (customers and dead letters, feedback, pain points).</summary>
public sealed class InMemoryPersonalDataStore(InMemoryJourneyStore journey, InMemoryFeedbackStore feedback, InMemoryPainPointStore painPoints) : IPersonalDataStore
{
    public Task<IReadOnlyList<FeedbackItem>> ListFeedbackByCustomersAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        var ids = customerIds.ToHashSet(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<FeedbackItem>>([.. feedback.All().Where(i => ids.Contains(i.CustomerId)).OrderBy(i => i.Time.UtcTicks).ThenBy(i => i.Id, StringComparer.Ordinal)]);
    }

    public Task<int> DeleteFeedbackAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken) =>
        Task.FromResult(items.Count(i => feedback.Remove(i.Id)));

    public Task<IReadOnlyList<DeadLetterDocument>> FindDeadLettersAsync(IReadOnlyCollection<string> needles, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeadLetterDocument>>(
            [.. journey.DeadLetters.Where(d => needles.Any(n => d.CustomerId == n || d.RawPayload.Contains(n, StringComparison.OrdinalIgnoreCase)))]);

    public Task<int> DeleteDeadLettersAsync(IReadOnlyCollection<DeadLetterDocument> letters, CancellationToken cancellationToken) =>
        Task.FromResult(letters.Count(l => journey.RemoveDeadLetter(l.Id)));

    public Task<IReadOnlyList<PainPointDocument>> FindPainPointsQuotingAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PainPointDocument>>([.. painPoints.All().Where(d => d.Quotes.Any(texts.Contains))]);

    public Task ReplacePainPointAsync(PainPointDocument document, CancellationToken cancellationToken)
    {
        painPoints.Put(document);
        return Task.CompletedTask;
    }
}
