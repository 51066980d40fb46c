using System.Text.Json;
using Journey.Domain.Actions;

namespace Journey.Domain.Tests.Actions;

public sealed class EmailOptOutTests
{
    [Theory]
    [InlineData("""{"email":"a@example.com","email_opt_out":true,"unsubscribed":true}""", true)]
    [InlineData("""{"unsubscribed":true}""", true)]
    [InlineData("""{"emailOptOut":"TRUE"}""", true)]
    [InlineData("""{"email_opt_out":false,"unsubscribed":"no"}""", false)]
    [InlineData("""{"email":"a@example.com"}""", false)]
    [InlineData("""[true]""", false)]
    public void IsSet_ReadsTheOptOutTraits(string json, bool expected) =>
        Assert.Equal(expected, EmailOptOut.IsSet(JsonDocument.Parse(json).RootElement.Clone()));

    [Fact]
    public void IsSet_WithoutTraits_IsFalse() => Assert.False(EmailOptOut.IsSet(null));
}

/// <summary>An email opt-out is sticky: a later identify that does not mention it keeps it; only naming the trait lifts it.</summary>
public sealed class EmailOptOutStickinessTests
{
    private static JsonElement Traits(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void KeepOptOut_CarriesASetOptOutTrait_TheNewerTraitsDoNotName()
    {
        var kept = EmailOptOut.KeepOptOut(
            Traits("""{"email":"a@example.com","email_opt_out":true,"unsubscribed":"true","emailOptOut":false,"plan":"silver"}"""),
            Traits("""{"email":"b@example.com","plan":"gold"}"""));

        Assert.Equal("""{"email":"b@example.com","plan":"gold","email_opt_out":true,"unsubscribed":"true"}""", kept!.Value.GetRawText());
        Assert.True(EmailOptOut.IsSet(kept));
    }

    [Fact]
    public void KeepOptOut_ATraitTheNewerTraitsName_IsTheirs_EachLiftedOnItsOwn()
    {
        var older = Traits("""{"email_opt_out":true,"unsubscribed":true}""");

        var oneLifted = EmailOptOut.KeepOptOut(older, Traits("""{"email_opt_out":false}"""));
        var bothLifted = EmailOptOut.KeepOptOut(older, Traits("""{"email_opt_out":false,"unsubscribed":false}"""));

        Assert.Equal("""{"email_opt_out":false,"unsubscribed":true}""", oneLifted!.Value.GetRawText());
        Assert.True(EmailOptOut.IsSet(oneLifted));
        Assert.False(EmailOptOut.IsSet(bothLifted));
    }

    [Fact]
    public void KeepOptOut_WithNothingToKeep_IsTheNewerTraitsThemselves()
    {
        var newer = Traits("""{"email":"a@example.com"}""");

        Assert.Equal(newer.GetRawText(), EmailOptOut.KeepOptOut(Traits("""{"email_opt_out":"no","unsubscribed":false}"""), newer)!.Value.GetRawText());
        Assert.Equal(newer.GetRawText(), EmailOptOut.KeepOptOut(null, newer)!.Value.GetRawText());
        Assert.Null(EmailOptOut.KeepOptOut(Traits("""{"email_opt_out":true}"""), null));
        Assert.Equal("[1]", EmailOptOut.KeepOptOut(Traits("""{"email_opt_out":true}"""), Traits("[1]"))!.Value.GetRawText());
    }
}
