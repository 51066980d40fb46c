namespace Journey.Domain.Enrichment;

/// <summary>
/// Corrects a client's clock the way Segment does: the time between the event and the send, as
/// measured by the client's own clock, is subtracted from the server's receive time, so a wrong
/// device clock cancels out. (Snowplow's derived_tstamp is the same rule.)
/// <list type="bullet">
/// <item>timestamp and sentAt → <c>receivedAt − (sentAt − timestamp)</c>;</item>
/// <item>only timestamp → timestamp;</item>
/// <item>no timestamp → receivedAt;</item>
/// <item>a result after receivedAt (an event cannot happen after it arrived) → receivedAt.</item>
/// </list>
/// </summary>
public static class ClockSkew
{
    public static DateTimeOffset Correct(DateTimeOffset receivedAt, DateTimeOffset? timestamp, DateTimeOffset? sentAt)
    {
        if (timestamp is not { } clientTime) return receivedAt;
        var corrected = sentAt is { } sent ? receivedAt - (sent - clientTime) : clientTime;
        return corrected > receivedAt ? receivedAt : corrected;
    }
}
