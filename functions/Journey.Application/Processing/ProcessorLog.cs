using Microsoft.Extensions.Logging;

namespace Journey.Application.Processing;

/// <summary>
/// The log messages of the processing path (<see cref="JourneyProcessor"/>, <see cref="IdentityStitcher"/>,
/// <see cref="CustomerWriter"/>), source-generated. Event ids 100-199 of this assembly; never reuse one.
/// </summary>
internal static partial class ProcessorLog
{
    [LoggerMessage(100, LogLevel.Error, "Could not link {Source} to {Target}; the profiles stay apart")]
    public static partial void LinkFailed(this ILogger logger, Exception exception, string source, string target);

    [LoggerMessage(101, LogLevel.Error, "Events of profile {ProfileKey} can never be applied; {Count} events go to the dead letters")]
    public static partial void EventsNotApplicable(this ILogger logger, Exception exception, string profileKey, int count);

    [LoggerMessage(102, LogLevel.Debug, "Concurrent update of customer {CustomerId}; retrying (attempt {Attempt})")]
    public static partial void CustomerConflictRetry(this ILogger logger, string customerId, int attempt);

    [LoggerMessage(103, LogLevel.Warning, "Dead-lettering event at {Partition}/{SequenceNumber}: {Reason}")]
    public static partial void DeadLettering(this ILogger logger, string partition, long sequenceNumber, string reason);

    [LoggerMessage(110, LogLevel.Error, "Identity {Id} redirects more than {MaxHops} times; using {Current}")]
    public static partial void TooManyRedirects(this ILogger logger, string id, int maxHops, string current);

    [LoggerMessage(111, LogLevel.Information, "Not linking {Source} to {Target}: {Target} already resolves to {Source}")]
    public static partial void LinkWouldLoop(this ILogger logger, string source, string target);

    [LoggerMessage(112, LogLevel.Information, "Id {Source} is already merged into {MergedInto}; not merging it into {Target}")]
    public static partial void AlreadyMergedElsewhere(this ILogger logger, string source, string? mergedInto, string target);

    [LoggerMessage(113, LogLevel.Information, "Id {Source} belongs to user {UserId}; an identify does not merge two users (use alias)")]
    public static partial void IdentifyDoesNotMergeUsers(this ILogger logger, string source, string? userId);

    [LoggerMessage(114, LogLevel.Debug, "Concurrent update while linking {Source} to {Target}; retrying")]
    public static partial void LinkConflictRetry(this ILogger logger, string source, string target);

    [LoggerMessage(115, LogLevel.Information, "Merged profile {Source} into {Target}")]
    public static partial void ProfileMerged(this ILogger logger, string source, string target);

    [LoggerMessage(116, LogLevel.Debug, "Concurrent update of {Target} while merging {Source}; retrying")]
    public static partial void MergeConflictRetry(this ILogger logger, string target, string source);

    [LoggerMessage(120, LogLevel.Debug, "Customer {CustomerId} was written by another writer meanwhile; its transitions are compared again (round {Round})")]
    public static partial void TransitionsChangedMeanwhile(this ILogger logger, string customerId, int round);

    [LoggerMessage(130, LogLevel.Warning, "The feedback store refused item {ItemId} of customer {CustomerId}; the text is not kept")]
    public static partial void FeedbackRejected(this ILogger logger, Exception exception, string itemId, string customerId);
}
