using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;

namespace Journey.Domain.Ports;

/// <summary>
/// Whole-container reads for exports (the <c>export</c> command): every document of a container,
/// optionally from a time on, streamed with bounded memory, in no particular order. The customers are
/// read with <see cref="ICustomerStore.ScanProjectionsAsync"/>.
/// </summary>
public interface IDocumentScans : ITransitionScan
{

    /// <summary>Every metrics document with an as-of date (yyyy-MM-dd) on or after <paramref name="sinceDate"/> (all when null).</summary>
    IAsyncEnumerable<MetricsDocument> ScanMetricsAsync(string? sinceDate, CancellationToken cancellationToken);

    /// <summary>Every feedback item with <c>Time &gt;= since</c> (all when null), without its embedding.</summary>
    IAsyncEnumerable<FeedbackItem> ScanFeedbackAsync(DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>Every pain point document whose period ends (<c>Until</c>, yyyy-MM-dd) on or after <paramref name="sinceDate"/> (all when null).</summary>
    IAsyncEnumerable<PainPointDocument> ScanPainPointsAsync(string? sinceDate, CancellationToken cancellationToken);

    /// <summary>Every action created at or after <paramref name="since"/> (all when null).</summary>
    IAsyncEnumerable<ActionDocument> ScanActionsAsync(DateTimeOffset? since, CancellationToken cancellationToken);
}

/// <summary>
/// Every transition document, streamed with bounded memory, in no particular order: what the exports
/// and the daily job's journey map read (every store adapter has it, the in-memory test store too).
/// </summary>
public interface ITransitionScan
{
    /// <summary>Every transition with <c>At &gt;= since</c> (all when null).</summary>
    IAsyncEnumerable<TransitionDocument> ScanTransitionsAsync(DateTimeOffset? since, CancellationToken cancellationToken);
}
