using System.Text.Json;
using Journey.Domain.Collection;
using Journey.Domain.Enrichment;
using Journey.Domain.Events;
using static Journey.Domain.Tests.Collection.CollectorContexts;

namespace Journey.Domain.Tests.Collection;

public class SegmentMessageReaderTests
{
    private static CollectionResult Read(string json, MessageType? route = null, CollectorContext? context = null) =>
        SegmentMessageReader.Read(Json(json), route, Utf8Size(json), context ?? Browser());

    private static JourneyEvent ReadEvent(string json, MessageType? route = null, CollectorContext? context = null)
    {
        var result = Read(json, route, context);
        Assert.True(result.IsSuccess, result.ToString());
        return Assert.Single(result.Events);
    }

    private static CollectionError ReadError(string json, MessageType? route = null, CollectorContext? context = null)
    {
        var result = Read(json, route, context);
        Assert.False(result.IsSuccess);
        Assert.Empty(result.Events);
        Assert.Null(result.Event);
        return result.Error;
    }

    // ---- how fields are found ----

    [Fact]
    public void A_repeated_field_takes_its_last_value_and_a_null_counts_as_missing()
    {
        var e = ReadEvent("""{"type":"track","event":"First","userId":"u1","event":"Order Completed","anonymousId":"a1","anonymousId":null,"messageId":null}""");

        Assert.Equal("Order Completed", e.Event);
        Assert.Equal("u1", e.UserId);
        Assert.Null(e.AnonymousId);
        Assert.StartsWith(MessageIds.Prefix, e.MessageId);
    }

    [Fact]
    public void A_field_name_written_with_escapes_is_the_same_field()
    {
        var e = ReadEvent("""{"type":"track","\u0065vent":"Product Viewed","user\u0049d":"u1","properti\u0065s":{"sku":"A"}}""");

        Assert.Equal("Product Viewed", e.Event);
        Assert.Equal("u1", e.UserId);
        Assert.Equal("A", e.Properties!.Value.GetProperty("sku").GetString());
    }

    [Fact]
    public void Field_names_are_case_sensitive_as_in_Segment()
    {
        var error = ReadError("""{"type":"track","Event":"Product Viewed","UserId":"u1","anonymousId":"a1"}""");

        Assert.Equal("event", error.Field);
    }

    // ---- a complete message ----

    [Fact]
    public void Read_an_analytics_js_page_call()
    {
        const string json = """
        {
          "type": "page",
          "name": "Running Shoes",
          "anonymousId": "anon-1",
          "messageId": "ajs-next-1714566600000-abc",
          "timestamp": "2026-03-02T09:59:30.000Z",
          "sentAt": "2026-03-02T10:00:00.000Z",
          "properties": { "category": "shoes", "url": "https://shop.example/c/shoes" },
          "context": {
            "page": {
              "url": "https://shop.example/c/shoes?utm_source=newsletter&utm_medium=email&utm_campaign=march",
              "referrer": "https://mail.google.com/",
              "title": "Running shoes | Shop"
            },
            "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
            "ip": "198.51.100.23",
            "library": { "name": "analytics.js", "version": "next-1.70.0" }
          }
        }
        """;

        var e = ReadEvent(json);

        Assert.Equal("ajs-next-1714566600000-abc", e.MessageId);
        Assert.Equal(MessageType.Page, e.Type);
        Assert.Equal("Running Shoes", e.Name);
        Assert.Null(e.Event);
        Assert.Null(e.UserId);
        Assert.Equal("anon-1", e.AnonymousId);
        // The device clock was 2 hours slow: receivedAt 12:00 − (10:00:00 − 09:59:30).
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 59, 30, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(ReceivedAt, e.ReceivedAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), e.SentAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 59, 30, TimeSpan.Zero), e.OriginalTimestamp);
        Assert.Equal("shoes", e.Properties!.Value.GetProperty("category").GetString());
        Assert.Null(e.Traits);
        Assert.Equal(new PageContext
        {
            Url = "https://shop.example/c/shoes?utm_source=newsletter&utm_medium=email&utm_campaign=march",
            Path = "/c/shoes",
            Search = "?utm_source=newsletter&utm_medium=email&utm_campaign=march",
            Referrer = "https://mail.google.com/",
            Title = "Running shoes | Shop",
        }, e.Page);
        Assert.Equal(new CampaignContext { Source = "newsletter", Medium = "email", Name = "march" }, e.Campaign);
        Assert.Equal(IPhone, e.UserAgent);
        Assert.Equal(DeviceClass.Mobile, e.Device);
        Assert.Equal("198.51.100.0", e.Ip);
        Assert.Equal(Channels.Email, e.Channel);
        Assert.Equal("web", e.Source);
    }

    [Fact]
    public void Read_a_server_side_track_call_from_analytics_node()
    {
        var context = Browser() with { UserAgent = "analytics-node-next/latest", RemoteIp = "10.1.2.3" };

        var e = ReadEvent("""{"userId":"u-42","event":"Order Completed","properties":{"order_id":"o-1","revenue":99.5}}""", MessageType.Track, context);

        Assert.Equal(MessageType.Track, e.Type);
        Assert.Equal("Order Completed", e.Event);
        Assert.Equal("u-42", e.UserId);
        Assert.Equal(99.5m, e.Properties!.Value.GetProperty("revenue").GetDecimal());
        // The header is the server library's, not the customer's: no device, no user agent, and no bot.
        Assert.Null(e.UserAgent);
        Assert.Equal(DeviceClass.Unknown, e.Device);
        Assert.False(e.IsBot);
        Assert.Equal("10.1.2.0", e.Ip);
        Assert.Equal(Channels.Direct, e.Channel);
        Assert.Equal(ReceivedAt, e.Timestamp);
        Assert.Null(e.Page);
        Assert.Null(e.Campaign);
    }

    [Fact]
    public void A_server_call_that_forwards_the_customers_user_agent_is_classified_by_it()
    {
        var context = Browser() with { UserAgent = "python-requests/2.31.0" };

        var e = ReadEvent($$$"""{"userId":"u-42","event":"Order Completed","context":{"userAgent":"{{{IPhone}}}"}}""", MessageType.Track, context);

        Assert.Equal(DeviceClass.Mobile, e.Device);
        Assert.Equal(IPhone, e.UserAgent);
    }

    [Fact]
    public void The_header_user_agent_and_remote_ip_are_used_when_the_context_has_none()
    {
        var e = ReadEvent("""{"type":"track","anonymousId":"a1","event":"Product Viewed"}""");

        Assert.Equal(ChromeDesktop, e.UserAgent);
        Assert.Equal(DeviceClass.Desktop, e.Device);
        Assert.Equal("203.0.113.0", e.Ip);
    }

    [Fact]
    public void A_crawler_is_classified_as_a_bot()
    {
        var context = Browser() with { UserAgent = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" };

        Assert.True(ReadEvent("""{"type":"page","anonymousId":"a1"}""", context: context).IsBot);
    }

    // ---- type ----

    [Fact]
    public void The_route_type_wins_over_the_body_type()
    {
        Assert.Equal(MessageType.Identify, ReadEvent("""{"type":"track","userId":"u1"}""", MessageType.Identify).Type);
    }

    [Theory]
    [InlineData("track", MessageType.Track)]
    [InlineData("identify", MessageType.Identify)]
    [InlineData("page", MessageType.Page)]
    [InlineData("screen", MessageType.Screen)]
    [InlineData("Group", MessageType.Group)]
    [InlineData("ALIAS", MessageType.Alias)]
    public void The_body_type_is_read_without_a_route(string type, MessageType expected)
    {
        var json = $$"""{"type":"{{type}}","userId":"u1","event":"E","previousId":"a1","groupId":"g1"}""";

        Assert.Equal(expected, ReadEvent(json).Type);
    }

    [Fact]
    public void Missing_type_without_a_route_is_an_error()
    {
        Assert.Equal(new CollectionError("type is missing; it must be one of track, identify, page, screen, group or alias", "type"),
            ReadError("""{"userId":"u1"}"""));
    }

    [Fact]
    public void Unknown_type_is_an_error()
    {
        Assert.Equal(new CollectionError("type 'purchase' is not a Segment message type; expected track, identify, page, screen, group or alias", "type"),
            ReadError("""{"type":"purchase","userId":"u1"}"""));
    }

    [Fact]
    public void A_type_that_is_not_a_string_is_an_error()
    {
        Assert.Equal("type", ReadError("""{"type":3,"userId":"u1"}""").Field);
    }

    // ---- shape and size ----

    [Theory]
    [InlineData("[]", "a message must be a JSON object, not an array")]
    [InlineData("\"track\"", "a message must be a JSON object, not a string")]
    [InlineData("null", "a message must be a JSON object, not null")]
    public void A_message_that_is_not_an_object_is_an_error(string json, string error)
    {
        Assert.Equal(new CollectionError(error, "body"), ReadError(json, MessageType.Track));
    }

    [Fact]
    public void A_message_of_exactly_32_KB_passes()
    {
        var json = OfSize("""{"type":"track","anonymousId":"a1","event":"E","properties":{"pad":"PAD"}}""", 32 * 1024);

        Assert.True(Read(json).IsSuccess);
        Assert.True(SegmentMessageReader.Read(Json(json), null, Browser()).IsSuccess);
    }

    [Fact]
    public void A_message_one_byte_over_32_KB_is_an_error()
    {
        var json = OfSize("""{"type":"track","anonymousId":"a1","event":"E","properties":{"pad":"PAD"}}""", (32 * 1024) + 1);

        Assert.Equal(new CollectionError("the message is 32769 bytes; the limit is 32768 bytes (32 KB)", "size"), ReadError(json));
        Assert.Equal("size", SegmentMessageReader.Read(Json(json), null, Browser()).Error?.Field);
    }

    [Fact]
    public void The_size_counts_utf8_bytes_not_characters()
    {
        // "é" is two bytes: 16,385 of them are 32,770 bytes but only 16,385 characters.
        var json = """{"type":"track","anonymousId":"a1","event":"E","properties":{"pad":"PAD"}}""".Replace("PAD", new string('é', 16_385), StringComparison.Ordinal);

        Assert.Equal("size", SegmentMessageReader.Read(Json(json), null, Browser()).Error?.Field);
    }

    // ---- identity ----

    [Fact]
    public void Neither_userId_nor_anonymousId_is_an_error()
    {
        Assert.Equal(new CollectionError("neither userId nor anonymousId is set; every message needs at least one of them", "userId"),
            ReadError("""{"type":"track","event":"E"}"""));
    }

    [Theory]
    [InlineData("""{"type":"track","event":"E","userId":"","anonymousId":"  "}""")]
    [InlineData("""{"type":"track","event":"E","userId":null,"anonymousId":null}""")]
    public void Empty_whitespace_and_null_ids_count_as_missing(string json)
    {
        Assert.Equal("userId", ReadError(json).Field);
    }

    [Fact]
    public void An_empty_userId_next_to_an_anonymousId_is_dropped()
    {
        var e = ReadEvent("""{"type":"track","event":"E","userId":" ","anonymousId":"a1"}""");

        Assert.Null(e.UserId);
        Assert.Equal("a1", e.AnonymousId);
        Assert.Equal("a1", e.ProfileKey);
    }

    [Fact]
    public void Numeric_ids_become_strings()
    {
        var e = ReadEvent("""{"type":"alias","userId":12345,"anonymousId":987654321012,"previousId":77,"messageId":42}""");

        Assert.Equal("12345", e.UserId);
        Assert.Equal("987654321012", e.AnonymousId);
        Assert.Equal("77", e.PreviousId);
        Assert.Equal("42", e.MessageId);
    }

    [Theory]
    [InlineData("""{"type":"track","event":"E","userId":{"id":1}}""", "userId", "userId must be a string or a number, not an object")]
    [InlineData("""{"type":"track","event":"E","anonymousId":true}""", "anonymousId", "anonymousId must be a string or a number, not a boolean")]
    [InlineData("""{"type":"track","event":"E","anonymousId":"a1","messageId":["m"]}""", "messageId", "messageId must be a string or a number, not an array")]
    public void Ids_of_another_kind_are_errors(string json, string field, string error)
    {
        Assert.Equal(new CollectionError(error, field), ReadError(json));
    }

    // ---- messageId ----

    [Fact]
    public void A_messageId_of_100_characters_passes()
    {
        var id = new string('m', 100);

        Assert.Equal(id, ReadEvent($$"""{"type":"track","event":"E","anonymousId":"a1","messageId":"{{id}}"}""").MessageId);
    }

    [Fact]
    public void A_messageId_over_100_characters_is_an_error()
    {
        var json = $$"""{"type":"track","event":"E","anonymousId":"a1","messageId":"{{new string('m', 140)}}"}""";

        Assert.Equal(new CollectionError("messageId is 140 characters; the limit is 100", "messageId"), ReadError(json));
    }

    [Fact]
    public void A_missing_messageId_is_generated()
    {
        const string json = """{"type":"track","event":"E","anonymousId":"a1"}""";

        var first = ReadEvent(json).MessageId;
        var second = ReadEvent(json).MessageId;

        Assert.StartsWith("journey-", first, StringComparison.Ordinal);
        Assert.Equal("journey-".Length + 32, first.Length);
        Assert.True(first["journey-".Length..].All(Uri.IsHexDigit));
        Assert.NotEqual(first, second);
        Assert.StartsWith("journey-", ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","messageId":"  "}""").MessageId, StringComparison.Ordinal);
    }

    // ---- what each type requires ----

    [Theory]
    [InlineData("""{"type":"track","anonymousId":"a1"}""")]
    [InlineData("""{"type":"track","anonymousId":"a1","event":""}""")]
    [InlineData("""{"type":"track","anonymousId":"a1","event":"   "}""")]
    public void A_track_call_without_an_event_name_is_an_error(string json)
    {
        Assert.Equal(new CollectionError("a track call needs an event name in \"event\" (e.g. \"Order Completed\")", "event"), ReadError(json));
    }

    [Fact]
    public void A_track_event_name_that_is_not_a_string_is_an_error()
    {
        Assert.Equal(new CollectionError("event must be a string, not a number", "event"), ReadError("""{"type":"track","anonymousId":"a1","event":5}"""));
    }

    [Fact]
    public void Unknown_event_names_are_kept()
    {
        Assert.Equal("Wishlist Shared On Fridge", ReadEvent("""{"type":"track","anonymousId":"a1","event":"Wishlist Shared On Fridge"}""").Event);
    }

    [Fact]
    public void An_alias_call_without_previousId_is_an_error()
    {
        Assert.Equal(new CollectionError("an alias call needs previousId, the id that is merged into userId", "previousId"),
            ReadError("""{"type":"alias","userId":"u1"}"""));
    }

    [Fact]
    public void A_group_call_without_groupId_is_an_error()
    {
        Assert.Equal("groupId", ReadError("""{"type":"group","userId":"u1","traits":{"name":"Acme"}}""").Field);
        Assert.Equal("acme", ReadEvent("""{"type":"group","userId":"u1","groupId":"acme"}""").GroupId);
    }

    [Fact]
    public void Event_is_only_kept_for_track_calls()
    {
        Assert.Null(ReadEvent("""{"type":"page","anonymousId":"a1","event":"Ignored"}""").Event);
    }

    // ---- times ----

    [Theory]
    [InlineData("timestamp")]
    [InlineData("sentAt")]
    [InlineData("originalTimestamp")]
    public void An_invalid_time_is_an_error_naming_the_field(string field)
    {
        var json = $$"""{"type":"track","event":"E","anonymousId":"a1","{{field}}":"yesterday at noon"}""";

        Assert.Equal(new CollectionError($"{field} 'yesterday at noon' is not an ISO 8601 date-time (e.g. \"2024-05-01T12:30:00.000Z\")", field), ReadError(json));
    }

    [Fact]
    public void A_time_that_is_not_a_string_is_an_error()
    {
        Assert.Equal(new CollectionError("timestamp must be an ISO 8601 date-time string (e.g. \"2024-05-01T12:30:00.000Z\"), not a number", "timestamp"),
            ReadError("""{"type":"track","event":"E","anonymousId":"a1","timestamp":1714566600000}"""));
    }

    [Fact]
    public void A_timestamp_without_sentAt_is_kept()
    {
        var e = ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","timestamp":"2026-03-01T08:00:00+01:00"}""");

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 7, 0, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 7, 0, 0, TimeSpan.Zero), e.OriginalTimestamp);
        Assert.Null(e.SentAt);
    }

    [Fact]
    public void A_time_without_an_offset_is_utc()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero),
            ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","timestamp":"2026-03-01T08:00:00"}""").Timestamp);
    }

    [Fact]
    public void A_future_timestamp_is_clamped_to_receivedAt()
    {
        Assert.Equal(ReceivedAt, ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","timestamp":"2026-03-05T00:00:00Z"}""").Timestamp);
    }

    [Fact]
    public void No_timestamp_means_receivedAt()
    {
        var e = ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","sentAt":"2026-03-02T09:00:00Z"}""");

        Assert.Equal(ReceivedAt, e.Timestamp);
        Assert.Null(e.OriginalTimestamp);
    }

    [Fact]
    public void OriginalTimestamp_stands_in_for_a_missing_timestamp()
    {
        var e = ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","originalTimestamp":"2026-03-02T09:59:00Z","sentAt":"2026-03-02T10:00:00Z"}""");

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 59, 0, TimeSpan.Zero), e.Timestamp);
    }

    // ---- context ----

    [Fact]
    public void Utm_parameters_of_the_page_url_give_the_campaign_when_the_context_has_none()
    {
        var e = ReadEvent("""
            {"type":"page","anonymousId":"a1","context":{"page":{"url":"https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale&utm_term=running+shoes&utm_content=ad-2"}}}
            """);

        Assert.Equal(new CampaignContext { Source = "google", Medium = "cpc", Name = "spring sale", Term = "running shoes", Content = "ad-2" }, e.Campaign);
        Assert.Equal(Channels.PaidSearch, e.Channel);
    }

    [Fact]
    public void The_context_campaign_wins_over_the_url()
    {
        var e = ReadEvent("""
            {"type":"page","anonymousId":"a1","context":{
              "campaign":{"source":"newsletter","medium":"email","name":"march"},
              "page":{"url":"https://shop.example/?utm_source=google&utm_medium=cpc"}}}
            """);

        Assert.Equal(new CampaignContext { Source = "newsletter", Medium = "email", Name = "march" }, e.Campaign);
        Assert.Equal(Channels.Email, e.Channel);
    }

    [Fact]
    public void A_page_call_takes_its_page_from_properties_when_the_context_has_none()
    {
        var e = ReadEvent("""
            {"type":"page","anonymousId":"a1","name":"Home","properties":{"url":"https://shop.example/?q=1","referrer":"https://www.bing.com/","title":"Shop"}}
            """);

        Assert.Equal(new PageContext { Url = "https://shop.example/?q=1", Path = "/", Search = "?q=1", Referrer = "https://www.bing.com/", Title = "Shop" }, e.Page);
        Assert.Equal(Channels.OrganicSearch, e.Channel);
    }

    [Fact]
    public void A_page_name_may_come_from_properties()
    {
        Assert.Equal("Cart", ReadEvent("""{"type":"page","anonymousId":"a1","properties":{"name":"Cart"}}""").Name);
        Assert.Equal("Checkout", ReadEvent("""{"type":"screen","anonymousId":"a1","name":"Checkout"}""").Name);
    }

    [Fact]
    public void Identify_traits_are_kept_and_context_traits_stand_in()
    {
        var identify = ReadEvent("""{"type":"identify","userId":"u1","traits":{"email":"ada@example.com","plan":"gold"}}""");
        var track = ReadEvent("""{"type":"track","event":"E","userId":"u1","context":{"traits":{"email":"ada@example.com"}}}""");

        Assert.Equal("gold", identify.Traits!.Value.GetProperty("plan").GetString());
        Assert.Equal("ada@example.com", track.Traits!.Value.GetProperty("email").GetString());
    }

    [Fact]
    public void Properties_and_traits_outlive_the_parsed_document()
    {
        CollectionResult result;
        using (var document = JsonDocument.Parse("""{"type":"identify","userId":"u1","traits":{"plan":"gold"},"properties":{"x":1}}"""))
        {
            result = SegmentMessageReader.Read(document.RootElement, null, Browser());
        }

        Assert.Equal("gold", result.Event!.Traits!.Value.GetProperty("plan").GetString());
        Assert.Equal(1, result.Event.Properties!.Value.GetProperty("x").GetInt32());
    }

    [Theory]
    [InlineData("""{"type":"track","event":"E","anonymousId":"a1","properties":[1,2]}""", "properties", "properties must be a JSON object, not an array")]
    [InlineData("""{"type":"identify","userId":"u1","traits":"gold"}""", "traits", "traits must be a JSON object, not a string")]
    [InlineData("""{"type":"track","event":"E","anonymousId":"a1","context":"web"}""", "context", "context must be a JSON object, not a string")]
    public void Objects_of_another_kind_are_errors(string json, string field, string error)
    {
        Assert.Equal(new CollectionError(error, field), ReadError(json));
    }

    [Fact]
    public void Null_objects_count_as_missing()
    {
        var e = ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","properties":null,"context":null}""");

        Assert.Null(e.Properties);
    }

    // ---- IP ----

    [Fact]
    public void The_context_ip_wins_over_the_remote_address_and_is_anonymised()
    {
        Assert.Equal("2001:db8:85a3::", ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","context":{"ip":"2001:db8:85a3:8d3:1319:8a2e:370:7348"}}""").Ip);
    }

    [Fact]
    public void The_full_ip_is_kept_when_anonymising_is_off()
    {
        var context = Browser() with { Enrichment = new EnrichmentOptions { AnonymizeIp = false } };

        Assert.Equal("203.0.113.77", ReadEvent("""{"type":"track","event":"E","anonymousId":"a1"}""", context: context).Ip);
    }

    [Fact]
    public void No_ip_is_kept_when_the_context_says_so()
    {
        var context = Browser() with { OmitIp = true };

        Assert.Null(ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","context":{"ip":"198.51.100.1"}}""", context: context).Ip);
    }

    [Fact]
    public void An_invalid_ip_is_dropped()
    {
        Assert.Null(ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","context":{"ip":"unknown"}}""").Ip);
    }

    // ---- callers ----

    [Fact]
    public void The_field_prefix_is_put_before_every_error_field()
    {
        var context = Browser() with { FieldPrefix = "lines[12]." };

        Assert.Equal("lines[12].event", ReadError("""{"type":"track","anonymousId":"a1"}""", context: context).Field);
        Assert.Equal("lines[12].body", ReadError("[]", context: context).Field);
    }

    [Fact]
    public void Historical_messages_keep_their_receivedAt_and_get_stable_ids()
    {
        var context = Browser() with { Historical = true };
        const string exported = """
            {"type":"track","event":"Order Completed","userId":"u1","timestamp":"2025-06-01T10:00:05Z","originalTimestamp":"2025-06-01T09:00:00Z","sentAt":"2025-06-01T09:00:10Z","receivedAt":"2025-06-01T10:00:15Z"}
            """;
        const string logged = """{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2025-06-01T10:00:00Z","sentAt":"2025-06-01T10:00:02Z"}""";

        var fromExport = ReadEvent(exported, context: context);
        var fromLog = ReadEvent(logged, context: context);

        // receivedAt − (sentAt − originalTimestamp) reproduces the exported, corrected timestamp.
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 10, 0, 5, TimeSpan.Zero), fromExport.Timestamp);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 10, 0, 15, TimeSpan.Zero), fromExport.ReceivedAt);
        // Without a receivedAt the timestamp is kept, not moved to the import time.
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.Zero), fromLog.Timestamp);
        Assert.Equal(ReceivedAt, fromLog.ReceivedAt);
        Assert.Equal(fromLog.MessageId, ReadEvent(logged, context: context).MessageId);
        Assert.StartsWith("journey-", fromLog.MessageId, StringComparison.Ordinal);
        Assert.NotEqual(fromLog.MessageId, fromExport.MessageId);
    }

    [Fact]
    public void ReceivedAt_in_a_live_message_is_ignored()
    {
        Assert.Equal(ReceivedAt, ReadEvent("""{"type":"track","event":"E","anonymousId":"a1","receivedAt":"2020-01-01T00:00:00Z"}""").ReceivedAt);
    }

    [Theory]
    [InlineData("track", MessageType.Track)]
    [InlineData("t", MessageType.Track)]
    [InlineData("/p", MessageType.Page)]
    [InlineData("i", MessageType.Identify)]
    [InlineData("s", MessageType.Screen)]
    [InlineData("g", MessageType.Group)]
    [InlineData("alias", MessageType.Alias)]
    public void Routes_name_their_type(string route, MessageType expected)
    {
        Assert.True(SegmentRoutes.TryGetRouteType(route, out var type));
        Assert.Equal(expected, type);
    }

    [Theory]
    [InlineData("batch")]
    [InlineData("b")]
    [InlineData("x")]
    [InlineData("settings")]
    public void Other_routes_name_no_type(string route)
    {
        Assert.False(SegmentRoutes.TryGetRouteType(route, out _));
        Assert.Equal(route is "batch" or "b", SegmentRoutes.IsBatchRoute(route));
    }
}
