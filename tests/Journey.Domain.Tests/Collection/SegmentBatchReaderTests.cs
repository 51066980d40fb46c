using System.Text;
using Journey.Domain.Collection;
using Journey.Domain.Enrichment;
using Journey.Domain.Events;
using static Journey.Domain.Tests.Collection.CollectorContexts;

namespace Journey.Domain.Tests.Collection;

public class SegmentBatchReaderTests
{
    private static CollectionResult Read(string json, CollectorContext? context = null) =>
        SegmentBatchReader.Read(Json(json), Utf8Size(json), context ?? Browser());

    private static IReadOnlyList<JourneyEvent> ReadEvents(string json, CollectorContext? context = null)
    {
        var result = Read(json, context);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Events;
    }

    private static CollectionError ReadError(string json, CollectorContext? context = null)
    {
        var result = Read(json, context);
        Assert.False(result.IsSuccess);
        Assert.Empty(result.Events);
        return result.Error;
    }

    [Fact]
    public void Read_an_analytics_node_batch()
    {
        const string json = """
        {
          "batch": [
            {"type":"identify","userId":"u1","anonymousId":"a1","traits":{"email":"ada@example.com"},"messageId":"m1","timestamp":"2026-03-02T09:59:50.000Z"},
            {"type":"track","userId":"u1","event":"Order Completed","properties":{"revenue":42.5},"messageId":"m2","timestamp":"2026-03-02T09:59:55.000Z"}
          ],
          "sentAt": "2026-03-02T10:00:00.000Z",
          "writeKey": "journey-local"
        }
        """;

        var events = ReadEvents(json);

        Assert.Equal(["m1", "m2"], events.Select(e => e.MessageId));
        Assert.Equal([MessageType.Identify, MessageType.Track], events.Select(e => e.Type));
        // The batch's sentAt corrects both: receivedAt 12:00 − (10:00:00 − 09:59:50).
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 59, 50, TimeSpan.Zero), events[0].Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 59, 55, TimeSpan.Zero), events[1].Timestamp);
        Assert.All(events, e => Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), e.SentAt));
        Assert.Equal("Order Completed", events[1].Event);
    }

    [Fact]
    public void An_items_own_sentAt_wins_over_the_batch()
    {
        const string json = """
        {"sentAt":"2026-03-02T10:00:00Z","batch":[
          {"type":"track","event":"E","anonymousId":"a1","timestamp":"2026-03-02T07:59:00Z","sentAt":"2026-03-02T08:00:00Z"}]}
        """;

        var e = Assert.Single(ReadEvents(json));

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), e.SentAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 59, 0, TimeSpan.Zero), e.Timestamp);
    }

    [Fact]
    public void The_batch_context_merges_under_each_items_context()
    {
        var json = $$$$"""
        {
          "context": {
            "userAgent": "{{{{IPhone}}}}",
            "ip": "198.51.100.23",
            "page": { "url": "https://shop.example/landing", "referrer": "https://www.google.com/" },
            "campaign": { "name": "spring" },
            "traits": { "plan": "gold" }
          },
          "batch": [
            {"type":"page","anonymousId":"a1"},
            {"type":"page","anonymousId":"a1",
             "context":{"userAgent":"{{{{ChromeDesktop}}}}","page":{"url":"https://shop.example/cart"},"campaign":{"source":"newsletter","medium":"email"},"traits":{"plan":"silver"}}}
          ]
        }
        """;

        var events = ReadEvents(json);

        // The first item has no context: all of it comes from the batch.
        Assert.Equal(IPhone, events[0].UserAgent);
        Assert.Equal(DeviceClass.Mobile, events[0].Device);
        Assert.Equal("198.51.100.0", events[0].Ip);
        Assert.Equal(new PageContext { Url = "https://shop.example/landing", Path = "/landing", Referrer = "https://www.google.com/" }, events[0].Page);
        Assert.Equal(new CampaignContext { Name = "spring" }, events[0].Campaign);
        Assert.Equal(Channels.OrganicSearch, events[0].Channel);
        Assert.Equal("gold", events[0].Traits!.Value.GetProperty("plan").GetString());

        // The second item's fields win; the fields it lacks come from the batch.
        Assert.Equal(ChromeDesktop, events[1].UserAgent);
        Assert.Equal(DeviceClass.Desktop, events[1].Device);
        Assert.Equal("198.51.100.0", events[1].Ip);
        Assert.Equal(new PageContext { Url = "https://shop.example/cart", Path = "/cart", Referrer = "https://www.google.com/" }, events[1].Page);
        Assert.Equal(new CampaignContext { Source = "newsletter", Medium = "email", Name = "spring" }, events[1].Campaign);
        Assert.Equal(Channels.Email, events[1].Channel);
        Assert.Equal("silver", events[1].Traits!.Value.GetProperty("plan").GetString());
    }

    // ---- errors ----

    [Theory]
    [InlineData("""{"sentAt":"2026-03-02T10:00:00Z"}""", "batch is missing; a batch body is {\"batch\": [message, ...]}")]
    [InlineData("""{"batch":null}""", "batch is missing; a batch body is {\"batch\": [message, ...]}")]
    [InlineData("""{"batch":[]}""", "batch is empty; send at least one message")]
    [InlineData("""{"batch":{"type":"track"}}""", "batch must be an array of messages, not an object")]
    public void A_missing_empty_or_wrong_batch_is_an_error(string json, string error)
    {
        Assert.Equal(new CollectionError(error, "batch"), ReadError(json));
    }

    [Fact]
    public void A_body_that_is_not_an_object_is_an_error()
    {
        Assert.Equal(new CollectionError("a batch must be a JSON object like {\"batch\": [...]}, not an array", "body"),
            ReadError("""[{"type":"track","event":"E","anonymousId":"a1"}]"""));
    }

    [Fact]
    public void The_first_invalid_item_rejects_the_whole_batch_with_its_position()
    {
        var json = $$"""
        {"batch":[
          {"type":"track","event":"E","anonymousId":"a1"},
          {"type":"track","event":"E","anonymousId":"a1"},
          {"type":"track","event":"E","anonymousId":"a1"},
          {"type":"track","event":"E","anonymousId":"a1","messageId":"{{new string('m', 140)}}"},
          {"type":"track","anonymousId":"a1"}
        ]}
        """;

        Assert.Equal(new CollectionError("messageId is 140 characters; the limit is 100", "batch[3].messageId"), ReadError(json));
    }

    [Theory]
    [InlineData("""{"batch":[{"event":"E","anonymousId":"a1"}]}""", "batch[0].type")]
    [InlineData("""{"batch":[{"type":"track","event":"E","anonymousId":"a1"},{"type":"track","event":"E"}]}""", "batch[1].userId")]
    [InlineData("""{"batch":[{"type":"track","event":"E","anonymousId":"a1"},"track"]}""", "batch[1]")]
    [InlineData("""{"batch":[{"type":"alias","userId":"u1"}]}""", "batch[0].previousId")]
    [InlineData("""{"batch":[{"type":"track","event":"E","anonymousId":"a1","timestamp":"soon"}]}""", "batch[0].timestamp")]
    [InlineData("""{"batch":[{"type":"track","event":"E","anonymousId":"a1"}],"sentAt":"soon"}""", "sentAt")]
    [InlineData("""{"batch":[{"type":"track","event":"E","anonymousId":"a1"}],"context":[]}""", "context")]
    public void Item_and_batch_errors_name_their_field(string json, string field)
    {
        Assert.Equal(field, ReadError(json).Field);
    }

    [Fact]
    public void An_item_over_32_KB_is_an_error_even_in_a_small_enough_batch()
    {
        var item = OfSize("""{"type":"track","anonymousId":"a1","event":"E","properties":{"pad":"PAD"}}""", (32 * 1024) + 1);
        var atLimit = OfSize("""{"type":"track","anonymousId":"a1","event":"E","properties":{"pad":"PAD"}}""", 32 * 1024);

        Assert.True(Read($$"""{"batch":[{{atLimit}}]}""").IsSuccess);
        Assert.Equal(new CollectionError("the message is 32769 bytes; the limit is 32768 bytes (32 KB)", "batch[1].size"),
            ReadError($$"""{"batch":[{{atLimit}},{{item}}]}"""));
    }

    [Fact]
    public void The_field_prefix_is_put_before_batch_fields()
    {
        var context = Browser() with { FieldPrefix = "lines[3]." };

        Assert.Equal("lines[3].batch[0].event", ReadError("""{"batch":[{"type":"track","anonymousId":"a1"}]}""", context).Field);
    }

    // ---- 500 KB ----

    /// <summary>A batch of exactly <paramref name="size"/> bytes made of 19 items of about 26 KB and a smaller last one.</summary>
    private static string BatchOfSize(int size)
    {
        var item = $$$"""{"type":"track","anonymousId":"a1","event":"E","properties":{"pad":"{{{new string('x', 26_000)}}}"}}""";
        var builder = new StringBuilder("{\"batch\":[");
        for (var i = 0; i < 19; i++) builder.Append(item).Append(',');
        builder.Append("""{"type":"track","anonymousId":"a1","event":"E","properties":{"pad":"PAD"}}""");
        builder.Append("]}");
        return OfSize(builder.ToString(), size);
    }

    [Fact]
    public void A_batch_of_exactly_500_KB_passes()
    {
        var json = BatchOfSize(500 * 1024);

        var result = Read(json);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(20, result.Events.Count);
        Assert.True(SegmentBatchReader.Read(Json(json), Browser()).IsSuccess);
    }

    [Fact]
    public void A_batch_one_byte_over_500_KB_is_an_error()
    {
        var json = BatchOfSize((500 * 1024) + 1);

        Assert.Equal(new CollectionError("the batch is 512001 bytes; the limit is 512000 bytes (500 KB)", "batch"), ReadError(json));
        Assert.Equal("batch", SegmentBatchReader.Read(Json(json), Browser()).Error?.Field);
    }
}
