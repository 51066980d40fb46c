using Journey.Application.Privacy;
using Journey.Domain.Customers;
using Journey.Testing;

namespace Journey.Application.Tests.Privacy;

/// <summary>Which dead letters an erasure takes: those of the person's ids and email, not others' that merely contain the same text.</summary>
public sealed class DeadLetterMentionTests
{
    private static readonly HashSet<string> Ids = new(StringComparer.Ordinal) { "u-1", "a-1" };

    private static DeadLetterDocument Letter(string raw, string? customerId = null) => new()
    {
        Id = "0-1",
        Day = "2026-03-02",
        Reason = "test",
        Partition = "0",
        SequenceNumber = 1,
        CustomerId = customerId,
        RawPayload = raw,
        At = Events.T0,
    };

    [Theory]
    [InlineData("""{"userId":"u-1","event":"X"}""")]
    [InlineData("""{"anonymousId":"a-1"}""")]
    [InlineData("""{"type":"alias","previousId":"a-1","userId":"u-9"}""")]
    [InlineData("""{"batch":[{"userId":"u-9"},{"anonymousId":"a-1"}]}""")]
    [InlineData("""{"userId":"u-9","traits":{"Email":" ANN@example.com"}}""")]
    [InlineData("not json at all \"u-1\"")]
    [InlineData("not json ann@EXAMPLE.com")]
    public void Theirs(string raw) => Assert.True(CustomerErasure.Mentions(Letter(raw), Ids, "ann@example.com"));

    [Theory]
    [InlineData("""{"userId":"u-10","event":"X"}""")]
    [InlineData("""{"userId":"u-9","properties":{"note":"u-1","sku":"a-1"}}""")]
    [InlineData("""{"userId":"u-9","traits":{"email":"bob@example.com","nickname":"ann@example.com"}}""")]
    [InlineData("not json at all u-10")]
    public void Not_theirs(string raw) => Assert.False(CustomerErasure.Mentions(Letter(raw), Ids, "ann@example.com"));

    [Fact]
    public void Their_customer_id_is_enough() => Assert.True(CustomerErasure.Mentions(Letter("{}", customerId: "a-1"), Ids, email: null));
}
