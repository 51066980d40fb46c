using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>
/// Settings of the embedded durable event stream (configuration section <c>Stream</c>), the local
/// stand-in for Azure Event Hubs. The log lives in <c>{DataDirectory}/stream</c>.
/// </summary>
public sealed partial class EmbeddedStreamOptions
{
    public const string SectionName = "Stream";

    /// <summary>The largest record (one serialized event) the log accepts.</summary>
    public const int MaxRecordBytes = 16 * 1024 * 1024;

    /// <summary>The data folder; the stream is kept in its <c>stream</c> subfolder.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Number of partitions. Fixed once the stream folder exists.</summary>
    public int Partitions { get; set; } = 4;

    /// <summary>A partition's segment file is rolled when the next record would take it past this size.</summary>
    public long SegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Size of the write-ahead journal (<c>stream/journal.log</c>): each group commit is made durable
    /// by one flush of the journal instead of one per partition file. When the journal is full, the
    /// partition files are flushed and the journal starts over.
    /// </summary>
    public long JournalBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Most records the dispatcher hands to the processor at once.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long the dispatcher waits for a partly filled batch to fill up before taking what is there.</summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How often a busy partition's checkpoint is persisted (a partition that has caught up is
    /// checkpointed at once). Replaying the batches after an older checkpoint is harmless: the
    /// processor recognises them.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Segments whose records are all consumed are deleted once they are older than this.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the dispatcher applies the retention and logs its counters.</summary>
    public TimeSpan HousekeepingInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The consumer group whose checkpoints the dispatcher keeps.</summary>
    public string ConsumerGroup { get; set; } = "journey";

    /// <summary>First delay before retrying a batch the processor failed; doubles per attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on the retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The folder holding the partitions, the metadata file and the checkpoints.</summary>
    public string StreamDirectory => Path.Combine(Path.GetFullPath(DataDirectory), "stream");

    /// <summary>The folder holding one checkpoint file per consumer group.</summary>
    public string CheckpointDirectory => Path.Combine(StreamDirectory, "checkpoints");

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
            problems.Add($"{SectionName}:DataDirectory is required (the folder that holds the local data).");
        if (Partitions is < 1 or > 256)
            problems.Add($"{SectionName}:Partitions must be between 1 and 256 (was {Partitions}).");
        if (SegmentBytes is < 1024 or > 1L << 40)
            problems.Add($"{SectionName}:SegmentBytes must be between 1024 and 1 TiB (was {SegmentBytes}).");
        if (JournalBytes is < 64 * 1024 or > 1L << 40)
            problems.Add($"{SectionName}:JournalBytes must be between 64 KiB and 1 TiB (was {JournalBytes}).");
        if (BatchSize is < 1 or > 100_000)
            problems.Add($"{SectionName}:BatchSize must be between 1 and 100000 (was {BatchSize}).");
        if (MaxBatchWait < TimeSpan.Zero || MaxBatchWait > TimeSpan.FromSeconds(10))
            problems.Add($"{SectionName}:MaxBatchWait must be between 0 and 10 seconds (was {MaxBatchWait}).");
        if (CheckpointInterval < TimeSpan.Zero || CheckpointInterval > TimeSpan.FromMinutes(5))
            problems.Add($"{SectionName}:CheckpointInterval must be between 0 and 5 minutes (was {CheckpointInterval}).");
        if (Retention <= TimeSpan.Zero)
            problems.Add($"{SectionName}:Retention must be positive (was {Retention}).");
        if (HousekeepingInterval <= TimeSpan.Zero)
            problems.Add($"{SectionName}:HousekeepingInterval must be positive (was {HousekeepingInterval}).");
        if (!IsValidConsumerGroup(ConsumerGroup))
            problems.Add($"{SectionName}:ConsumerGroup must be 1-64 letters, digits, '.', '_' or '-' (was '{ConsumerGroup}').");
        if (RetryDelay <= TimeSpan.Zero)
            problems.Add($"{SectionName}:RetryDelay must be positive (was {RetryDelay}).");
        if (MaxRetryDelay < RetryDelay)
            problems.Add($"{SectionName}:MaxRetryDelay ({MaxRetryDelay}) must not be less than RetryDelay ({RetryDelay}).");
        return problems;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem, if there are any.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
            throw new OptionsValidationException(SectionName, typeof(EmbeddedStreamOptions), problems);
    }

    /// <summary>True when the name can be used as a consumer group (and so as a file name).</summary>
    public static bool IsValidConsumerGroup(string? name) => name is not null && ConsumerGroupPattern().IsMatch(name) && name is not ("." or "..");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ConsumerGroupPattern();
}
