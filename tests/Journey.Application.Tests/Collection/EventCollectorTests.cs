using System.Text.Json;
using Journey.Application.Collection;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Moq;
using static Journey.Testing.Events;

namespace Journey.Application.Tests.Collection;

public sealed class EventCollectorTests
{
    private static JourneyEvent Tracked() => Track(EventNames.ProductViewed, "a1") with
    {
        Ip = "203.0.113.0",
        UserAgent = "Mozilla/5.0",
        Traits = JsonSerializer.SerializeToElement(new { email = "a@example.com" }),
    };

    [Theory]
    [InlineData(PrivacyAction.Drop)]
    [InlineData(PrivacyAction.Anonymize)]
    [InlineData(PrivacyAction.Ignore)]
    public void A_visitor_who_did_not_opt_out_is_tracked_whatever_the_setting(PrivacyAction configured) =>
        Assert.Equal(PrivacyAction.Ignore, new EventCollector(Mock.Of<IEventStream>(), configured).ActionFor(optedOut: false));

    [Fact]
    public async Task An_opted_out_visitors_events_are_dropped_and_nothing_is_appended()
    {
        var stream = new Mock<IEventStream>(MockBehavior.Strict);
        var collector = new EventCollector(stream.Object, PrivacyAction.Drop);

        var appended = await collector.AcceptAsync([Tracked()], collector.ActionFor(optedOut: true), CancellationToken.None);

        Assert.Equal(0, appended);
    }

    [Fact]
    public async Task Anonymized_events_lose_the_ip_the_user_agent_and_the_traits_and_keep_the_rest()
    {
        IReadOnlyList<JourneyEvent>? sent = null;
        var stream = new Mock<IEventStream>();
        stream.Setup(s => s.AppendAsync(It.IsAny<IReadOnlyList<JourneyEvent>>(), It.IsAny<CancellationToken>()))
            .Callback((IReadOnlyList<JourneyEvent> events, CancellationToken _) => sent = events).Returns(Task.CompletedTask);
        var collector = new EventCollector(stream.Object, PrivacyAction.Anonymize);
        var original = Tracked();

        await collector.AcceptAsync([original], collector.ActionFor(optedOut: true), CancellationToken.None);

        var kept = Assert.Single(sent!);
        Assert.Equal((null, null, null), (kept.Ip, kept.UserAgent, kept.Traits?.GetRawText()));
        Assert.Equal((original.MessageId, original.AnonymousId, original.Event), (kept.MessageId, kept.AnonymousId, kept.Event));
    }

    [Fact]
    public async Task When_the_stream_cannot_accept_the_events_the_caller_is_told_and_nothing_counts_as_accepted()
    {
        var stream = new Mock<IEventStream>();
        stream.Setup(s => s.AppendAsync(It.IsAny<IReadOnlyList<JourneyEvent>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StreamUnavailableException("the disk is full"));
        var collector = new EventCollector(stream.Object, PrivacyAction.Drop);

        await Assert.ThrowsAsync<StreamUnavailableException>(() => collector.AcceptAsync([Tracked()], PrivacyAction.Ignore, CancellationToken.None));
    }
}
