using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// The log messages of the embedded event stream (<see cref="EmbeddedEventLog"/>) and its
/// dispatcher (<see cref="EmbeddedStreamDispatcher"/>), source-generated. Event ids 300-399 of this
/// assembly; never reuse one.
/// </summary>
internal static partial class EmbeddedStreamLog
{
    [LoggerMessage(300, LogLevel.Information, "Retention deleted stream segment {Segment} of partition {Partition} (last record enqueued {LastEnqueuedAt})")]
    public static partial void SegmentDeleted(this ILogger logger, string segment, string partition, DateTimeOffset lastEnqueuedAt);

    [LoggerMessage(301, LogLevel.Warning, "The embedded event stream could not flush its partition files at close; the journal still holds their tail and is replayed at the next open")]
    public static partial void CheckpointAtCloseFailed(this ILogger logger, Exception exception);

    [LoggerMessage(302, LogLevel.Warning, "Ignoring unexpected file {File} in stream partition {Partition}")]
    public static partial void UnexpectedFile(this ILogger logger, string file, string partition);

    [LoggerMessage(303, LogLevel.Warning, "Stream partition {Partition}: cut {Bytes} bytes of torn or corrupt records off the end of segment {Segment} (left by a crash); {Records} good records kept")]
    public static partial void TornTailCut(this ILogger logger, string partition, long bytes, string segment, long records);

    [LoggerMessage(304, LogLevel.Warning, "Stream journal: ignoring an entry for partition {Partition}, which this stream does not have")]
    public static partial void JournalEntryForUnknownPartition(this ILogger logger, int partition);

    [LoggerMessage(305, LogLevel.Warning, "Stream partition {Partition}: the journal continues at record {First} but the partition file ends before {Next}; the records in between are lost")]
    public static partial void JournalGap(this ILogger logger, string partition, long first, long next);

    [LoggerMessage(306, LogLevel.Warning, "Stream journal: wrote back {Records} acknowledged records that the partition files had lost (a power loss or crash of the machine)")]
    public static partial void JournalReplayed(this ILogger logger, long records);

    [LoggerMessage(310, LogLevel.Error, "The stream writer failed unexpectedly on a group of {Requests} appends")]
    public static partial void WriterFailed(this ILogger logger, Exception exception, int requests);

    [LoggerMessage(311, LogLevel.Error, "The embedded event stream could not write {Requests} appends; they were rolled back and the callers told to retry")]
    public static partial void GroupRolledBack(this ILogger logger, Exception exception, int requests);

    [LoggerMessage(312, LogLevel.Error, "The embedded event stream could not roll back a failed write; appends fail until it can")]
    public static partial void RollbackFailed(this ILogger logger, Exception? exception);

    [LoggerMessage(350, LogLevel.Information, "Stream dispatcher started: {Partitions} partitions, consumer group {ConsumerGroup}, batches of up to {BatchSize}")]
    public static partial void DispatcherStarted(this ILogger logger, int partitions, string consumerGroup, int batchSize);

    [LoggerMessage(351, LogLevel.Information, "Stream dispatcher stopped: {EventsProcessed} events in {Batches} batches, {FailedAttempts} failed attempts, lag {Lag}")]
    public static partial void DispatcherStopped(this ILogger logger, long eventsProcessed, long batches, long failedAttempts, long lag);

    [LoggerMessage(352, LogLevel.Error, "Reading stream partition {Partition} at sequence {Sequence} failed (attempt {Attempt}); retrying in {RetryDelay}")]
    public static partial void ReadFailed(this ILogger logger, Exception exception, string partition, long sequence, int attempt, TimeSpan retryDelay);

    [LoggerMessage(353, LogLevel.Debug, "Partition {Partition} records {FirstSequence}-{LastSequence}: {Applied} applied, {Duplicates} duplicates, {DeadLettered} dead-lettered")]
    public static partial void BatchProcessed(this ILogger logger, string partition, long firstSequence, long lastSequence, int applied, int duplicates, int deadLettered);

    [LoggerMessage(354, LogLevel.Error, "Processing partition {Partition} records {FirstSequence}-{LastSequence} failed (attempt {Attempt}); retrying the same batch in {RetryDelay}")]
    public static partial void BatchFailed(this ILogger logger, Exception exception, string partition, long firstSequence, long lastSequence, int attempt, TimeSpan retryDelay);

    [LoggerMessage(355, LogLevel.Error, "Checkpointing partition {Partition} at {Sequence} failed (attempt {Attempt}); retrying in {RetryDelay}")]
    public static partial void CheckpointFailed(this ILogger logger, Exception exception, string partition, long sequence, int attempt, TimeSpan retryDelay);

    [LoggerMessage(356, LogLevel.Information, "Stream dispatcher: {EventsProcessed} events in {Batches} batches, {FailedAttempts} failed attempts, lag {Lag}; log: {Appends} appends in {GroupCommits} group commits, {Flushes} flushes, {Checkpoints} checkpoints")]
    public static partial void DispatcherProgress(
        this ILogger logger, long eventsProcessed, long batches, long failedAttempts, long lag, long appends, long groupCommits, long flushes, long checkpoints);

    [LoggerMessage(357, LogLevel.Error, "Stream housekeeping (retention) failed; trying again in {Interval}")]
    public static partial void HousekeepingFailed(this ILogger logger, Exception exception, TimeSpan interval);
}
