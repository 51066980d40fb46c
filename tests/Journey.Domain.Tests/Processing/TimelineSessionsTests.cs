using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Processing;
using Journey.Domain.Stages;

namespace Journey.Domain.Tests.Processing;

public sealed class TimelineSessionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    private static TimelineEntry At(double minutes, string name = EventNames.PageViewed, string? channel = null, long sequence = 0) =>
        new() { Id = $"m{minutes}-{name}", T = T0.AddMinutes(minutes), N = name, Ch = channel, S = sequence };

    [Fact]
    public void AGapLongerThanTheTimeout_StartsANewSession_AndTheFirstVisitEventNamesItsChannel()
    {
        var sessions = TimelineSessions.Of([At(0, channel: "email"), At(10), At(40.5, channel: "paid_search"), At(41)], Timeout);

        Assert.Equal(2, sessions.Count);
        Assert.Equal(("email", 2), (sessions[0].Channel, sessions[0].Events.Count));
        Assert.Equal(("paid_search", 2), (sessions[1].Channel, sessions[1].Events.Count));
        Assert.Equal(T0.AddMinutes(10), sessions[0].End);
    }

    [Fact]
    public void AGapOfExactlyTheTimeout_StaysInTheSession_AsTheFoldCountsIt()
    {
        Assert.Single(TimelineSessions.Of([At(0), At(30)], Timeout));
    }

    [Fact]
    public void IdentityCalls_NeverStartAVisit_ButKeepItOpen_AsTheFoldCounts()
    {
        // An identify 25 minutes after a page view keeps the visit open for a view 25 minutes after it, as the fold has it.
        var entries = new[] { At(0), At(25, EventNames.Identified), At(50) };
        var session = Assert.Single(TimelineSessions.Of(entries, Timeout));
        Assert.Equal(3, session.Events.Count);
        Assert.Equal(1, new JourneyFold(new JourneyRulesOptions()).Fold(null, entries).Sessions.Count);

        // An identify first, then a visit an hour later: one session, whose channel is the visit's.
        var leading = TimelineSessions.Of([At(0, EventNames.Identified), At(60, channel: "referral")], Timeout);
        var only = Assert.Single(leading);
        Assert.Equal("referral", only.Channel);
        Assert.Equal(2, only.Events.Count);
    }

    [Fact]
    public void AnUnorderedTimeline_IsSortedFirst_AndAnEmptyOneHasNoSessions()
    {
        var sessions = TimelineSessions.Of([At(100), At(0), At(5)], Timeout);
        Assert.Equal([2, 1], sessions.Select(s => s.Events.Count));
        Assert.Equal("direct", sessions[0].Channel);
        Assert.Empty(TimelineSessions.Of([], Timeout));
    }
}
