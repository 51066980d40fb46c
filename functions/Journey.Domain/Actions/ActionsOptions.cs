namespace Journey.Domain.Actions;

/// <summary>Settings of the actions outbox (configuration section <c>Actions</c>): how the dispatcher retries.</summary>
/// <remarks>
/// The delay after the n-th failed round is <see cref="FirstRetryDelay"/> × <see cref="BackoffFactor"/>^(n-1),
/// at most <see cref="MaxRetryDelay"/>, then spread by ±20 % with a jitter derived from the action id
/// (<see cref="RetryDelay"/>): many actions failing together do not come back together, and the same
/// action always gets the same schedule. With the defaults: 10 s, 40 s, 2.7 min, 11 min, 43 min, 2.8 h,
/// then 6 h: eight rounds over about ten hours.
/// </remarks>
public sealed class ActionsOptions
{
    public const string SectionName = "Actions";

    /// <summary>Each retry waits this many times longer than the one before (until <see cref="MaxRetryDelay"/>).</summary>
    public const double BackoffFactor = 4;

    /// <summary>Rounds of delivery an action gets before it is marked failed (default 8).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait before the first retry (default 10 s).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two rounds (default 6 h).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Due actions read per dispatch (default 100).</summary>
    public int DispatchBatchSize { get; set; } = 100;

    /// <summary>Actions of a batch delivered at the same time (default 4); the destinations of one action always run concurrently.</summary>
    public int MaxParallelActions { get; set; } = 4;

    /// <summary>The longest one delivery to one destination may take (default 30 s); a delivery that takes longer counts as a failure to retry.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The wait after the <paramref name="attempt"/>-th failed round (1-based) of the action
    /// <paramref name="actionId"/>: the exponential backoff with its deterministic jitter (a factor
    /// from 0.8 to 1.2 from a hash of the id and the attempt), never more than <see cref="MaxRetryDelay"/>.
    /// </summary>
    public TimeSpan RetryDelay(string actionId, int attempt)
    {
        ArgumentNullException.ThrowIfNull(actionId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attempt);
        var ticks = FirstRetryDelay.Ticks * Math.Pow(BackoffFactor, Math.Min(attempt - 1, 60));
        ticks = Math.Min(ticks, MaxRetryDelay.Ticks);
        var jitter = 0.8 + 0.4 * UnitHash(actionId, attempt);
        return TimeSpan.FromTicks((long)Math.Min(ticks * jitter, MaxRetryDelay.Ticks));
    }

    /// <summary>FNV-1a over the id's UTF-16 code units and the attempt, mapped to [0, 1): the same on every machine and run.</summary>
    private static double UnitHash(string actionId, int attempt)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offset;
        unchecked
        {
            foreach (var c in actionId) hash = (hash ^ c) * prime;
            hash = (hash ^ (uint)attempt) * prime;
        }
        hash ^= hash >> 33;
        return (hash >> 11) / (double)(1UL << 53);
    }

    /// <summary>Checks the options; returns the problems found, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxAttempts is < 1 or > 100)
            problems.Add($"{SectionName}:MaxAttempts must be between 1 and 100 (was {MaxAttempts}).");
        if (FirstRetryDelay < TimeSpan.FromSeconds(1) || FirstRetryDelay > TimeSpan.FromHours(1))
            problems.Add($"{SectionName}:FirstRetryDelay must be between 00:00:01 and 01:00:00 (was {FirstRetryDelay}).");
        if (MaxRetryDelay < FirstRetryDelay || MaxRetryDelay > TimeSpan.FromDays(7))
            problems.Add($"{SectionName}:MaxRetryDelay must be at least {SectionName}:FirstRetryDelay and at most 7.00:00:00 (was {MaxRetryDelay}).");
        if (DispatchBatchSize is < 1 or > 1_000)
            problems.Add($"{SectionName}:DispatchBatchSize must be between 1 and 1000 (was {DispatchBatchSize}).");
        if (MaxParallelActions is < 1 or > 64)
            problems.Add($"{SectionName}:MaxParallelActions must be between 1 and 64 (was {MaxParallelActions}).");
        if (DeliveryTimeout < TimeSpan.FromSeconds(1) || DeliveryTimeout > TimeSpan.FromMinutes(10))
            problems.Add($"{SectionName}:DeliveryTimeout must be between 00:00:01 and 00:10:00 (was {DeliveryTimeout}).");
        return problems;
    }
}
