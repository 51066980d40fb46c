using System.Text.Json;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Events;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using static Journey.Testing.Events;

namespace Journey.Domain.Tests.Processing;

/// <summary>The traits a customer document keeps: the latest identify's, with an email opt-out kept until a trait lifts it.</summary>
public sealed class TraitsTests
{
    private static readonly JourneyRulesOptions Options = new();

    private static CustomerDocument Apply(params JourneyEvent[] events)
    {
        var update = new CustomerUpdate(new JourneyFold(Options), Options);
        var doc = CustomerUpdate.NewProfile("u1");
        long sequence = 0;
        foreach (var e in events)
        {
            var record = Records([e], "0", sequence)[0];
            update.AddEvents(doc, [new PositionedEvent(e, TimelineEntries.From(e, Options) with { S = sequence }, record)]);
            sequence++;
        }
        return doc;
    }

    private static string Text(CustomerDocument doc) => doc.Traits!.Value.GetRawText();

    [Fact]
    public void ALaterIdentify_ReplacesTheTraits()
    {
        var doc = Apply(
            Identify("u1", "a1", T0, new { email = "a@example.com", plan = "silver" }),
            Identify("u1", "a1", T0.AddHours(1), new { email = "b@example.com" }));

        Assert.Equal("""{"email":"b@example.com"}""", Text(doc));
        Assert.Equal(T0.AddHours(1), doc.TraitsAt);
    }

    [Fact]
    public void ALaterIdentifyThatOmitsTheOptOut_DoesNotResubscribe()
    {
        var doc = Apply(
            Identify("u1", "a1", T0, new { email = "a@example.com", email_opt_out = true, unsubscribed = true }),
            Identify("u1", "a1", T0.AddHours(1), new { email = "a@example.com", plan = "gold" }));

        Assert.True(EmailOptOut.IsSet(doc.Traits));
        Assert.Equal("gold", doc.Traits!.Value.GetProperty("plan").GetString());
    }

    [Fact]
    public void AnOptOutArrivingLate_StillCounts_UnlessTheNewerTraitsNameIt()
    {
        var optOut = Identify("u1", "a1", T0, new { email_opt_out = true }, messageId: "late-optout");
        var newer = Identify("u1", "a1", T0.AddHours(1), new { email = "a@example.com" });
        var newerLifting = Identify("u1", "a1", T0.AddHours(1), new Dictionary<string, object> { ["email"] = "a@example.com", ["email_opt_out"] = false });

        var late = Apply(newer, optOut);
        var inOrder = Apply(optOut, newer);
        var lifted = Apply(newerLifting, optOut);

        Assert.Equal(Text(inOrder), Text(late));
        Assert.True(EmailOptOut.IsSet(late.Traits));
        Assert.Equal(T0.AddHours(1), late.TraitsAt);
        Assert.False(EmailOptOut.IsSet(lifted.Traits));
    }

    [Fact]
    public void AnIdentifyNamingEveryOptOutTrait_LiftsTheOptOut()
    {
        var doc = Apply(
            Identify("u1", "a1", T0, new { email_opt_out = true, unsubscribed = true }),
            Identify("u1", "a1", T0.AddHours(1), new { email_opt_out = false, unsubscribed = false }));

        Assert.False(EmailOptOut.IsSet(doc.Traits));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AMerge_KeepsAnOptOutOfEitherProfile(bool optedOutProfileIsNewer)
    {
        var update = new CustomerUpdate(new JourneyFold(Options), Options);
        var target = CustomerUpdate.NewProfile("u1");
        var source = CustomerUpdate.NewProfile("anon-1");
        var (optedOut, other) = optedOutProfileIsNewer ? (source, target) : (target, source);
        optedOut.Traits = JsonSerializer.SerializeToElement(new { emailOptOut = "true" });
        optedOut.TraitsAt = optedOutProfileIsNewer ? T0.AddHours(1) : T0;
        other.Traits = JsonSerializer.SerializeToElement(new { email = "a@example.com" });
        other.TraitsAt = optedOutProfileIsNewer ? T0 : T0.AddHours(1);

        update.Absorb(target, "anon-1", source);

        Assert.True(EmailOptOut.IsSet(target.Traits), Text(target));
        Assert.Equal(T0.AddHours(1), target.TraitsAt);
    }
}
