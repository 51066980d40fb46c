namespace Journey.Domain.Customers;

/// <summary>
/// The <c>transitions</c> document: one per stage a customer entered. The id is
/// <c>{customerId}:{to}</c>, so a replay or a late event rewrites the same document.
/// </summary>
public sealed record TransitionDocument
{
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    public string Type { get; init; } = "transition";
    public required Stage From { get; init; }
    public required Stage To { get; init; }

    /// <summary>Stages passed over on the way (an order on the first visit skips Consideration).</summary>
    public IReadOnlyList<Stage> Skipped { get; init; } = [];

    public required DateTimeOffset At { get; init; }
    public required string TriggerEvent { get; init; }
    public required string TriggerMessageId { get; init; }
    public required string Rule { get; init; }
    public string? Channel { get; init; }
    public string? AcquisitionChannel { get; init; }
    public string? FirstDevice { get; init; }
    public double DaysSinceFirstTouch { get; init; }
    public long SessionsSinceFirstTouch { get; init; }

    /// <summary>Micro-conversions counted while the customer was in the stage it left.</summary>
    public IReadOnlyDictionary<string, long> MicroConversions { get; init; } = new Dictionary<string, long>();

    public static string IdFor(string customerId, Stage to) => $"{customerId}:{to}";

    /// <summary>A fingerprint of the whole document as stored (its JSON), to tell whether a stored copy is this one.</summary>
    public string Fingerprint() => Serialization.Fnv1a.Hex(Serialization.JourneyJson.SerializeToUtf8(this));

    /// <summary>How the customer document records this transition.</summary>
    public TransitionSummary Summary() => new(From, To, At, TriggerMessageId, Fingerprint());
}
