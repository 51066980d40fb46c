namespace Journey.Domain.Collection;

/// <summary>The limits of the Segment HTTP Tracking API, which the collector keeps.</summary>
public static class CollectionLimits
{
    /// <summary>The largest message: 32 KB of raw UTF-8 JSON (exactly 32,768 bytes passes).</summary>
    public const int MaxMessageBytes = 32 * 1024;

    /// <summary>The largest /v1/batch body: 500 KB of raw UTF-8 JSON (exactly 512,000 bytes passes).</summary>
    public const int MaxBatchBytes = 500 * 1024;

    /// <summary>The longest messageId, in characters.</summary>
    public const int MaxMessageIdLength = 100;
}
