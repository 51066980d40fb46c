namespace Journey.Domain.Customers;

/// <summary>
/// The <c>deadletter</c> document: an event that could not be processed, with the reason and
/// its raw payload. The id comes from the stream position and the partition key from the time the
/// stream accepted it, so a replay overwrites it.
/// </summary>
public sealed record DeadLetterDocument
{
    public required string Id { get; init; }

    /// <summary>UTC day the stream accepted the event (yyyy-MM-dd); the partition key. From the stream record, so a record dead-lettered again lands on the same document.</summary>
    public required string Day { get; init; }

    public required string Reason { get; init; }
    public required string Partition { get; init; }
    public required long SequenceNumber { get; init; }
    public string? MessageId { get; init; }
    public string? CustomerId { get; init; }
    public required string RawPayload { get; init; }
    public required DateTimeOffset At { get; init; }

    public static string IdFor(string partition, long sequenceNumber) => $"{partition}-{sequenceNumber}";
}
