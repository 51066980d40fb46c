using Journey.Domain.Enrichment;

namespace Journey.Domain.Tests.Enrichment;

public class ClockSkewTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Correct_subtracts_the_client_measured_delay_from_receivedAt()
    {
        // The device clock is 2 hours slow: it says the event happened at 09:59:30 and was sent at 10:00:00.
        var timestamp = new DateTimeOffset(2026, 3, 2, 9, 59, 30, TimeSpan.Zero);
        var sentAt = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 59, 30, TimeSpan.Zero), ClockSkew.Correct(ReceivedAt, timestamp, sentAt));
    }

    [Fact]
    public void Correct_fixes_a_clock_that_runs_ahead()
    {
        var timestamp = new DateTimeOffset(2026, 3, 3, 11, 58, 0, TimeSpan.Zero);
        var sentAt = new DateTimeOffset(2026, 3, 3, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 58, 0, TimeSpan.Zero), ClockSkew.Correct(ReceivedAt, timestamp, sentAt));
    }

    [Fact]
    public void Correct_works_across_offsets()
    {
        var timestamp = new DateTimeOffset(2026, 3, 2, 13, 59, 0, TimeSpan.FromHours(2)); // 11:59 UTC
        var sentAt = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 59, 0, TimeSpan.Zero), ClockSkew.Correct(ReceivedAt, timestamp, sentAt));
    }

    [Fact]
    public void Correct_keeps_a_timestamp_without_sentAt()
    {
        var timestamp = new DateTimeOffset(2026, 2, 28, 8, 0, 0, TimeSpan.Zero);

        Assert.Equal(timestamp, ClockSkew.Correct(ReceivedAt, timestamp, sentAt: null));
    }

    [Fact]
    public void Correct_uses_receivedAt_without_a_timestamp()
    {
        Assert.Equal(ReceivedAt, ClockSkew.Correct(ReceivedAt, timestamp: null, sentAt: null));
        Assert.Equal(ReceivedAt, ClockSkew.Correct(ReceivedAt, timestamp: null, sentAt: ReceivedAt.AddHours(-3)));
    }

    [Fact]
    public void Correct_clamps_a_future_result_to_receivedAt()
    {
        // sentAt before timestamp (a client bug) would put the event after it arrived.
        var timestamp = new DateTimeOffset(2026, 3, 2, 10, 0, 10, TimeSpan.Zero);
        var sentAt = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(ReceivedAt, ClockSkew.Correct(ReceivedAt, timestamp, sentAt));
        Assert.Equal(ReceivedAt, ClockSkew.Correct(ReceivedAt, ReceivedAt.AddDays(1), sentAt: null));
    }
}
