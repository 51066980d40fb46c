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
