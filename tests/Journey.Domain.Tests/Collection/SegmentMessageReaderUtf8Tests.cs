using Journey.Domain.Collection;
using Journey.Domain.Events;
using static Journey.Domain.Tests.Collection.CollectorContexts;

namespace Journey.Domain.Tests.Collection;

/// <summary>Text that is not valid UTF-8 anywhere in a message: a 400-style error naming the field, never an exception.</summary>
public class SegmentMessageReaderUtf8Tests
{
    /// <summary>Reads <paramref name="json"/> with <c>&lt;XX&gt;</c> as raw bytes (see <see cref="CollectorContexts.WithBytes"/>).</summary>
    private static CollectionResult Read(string json, MessageType? route = null, CollectorContext? context = null)
    {
        var bytes = WithBytes(json);
        return SegmentMessageReader.Read(Json(bytes), route, bytes.Length, context ?? Browser());
    }

    private static CollectionError ReadError(string json, MessageType? route = null, CollectorContext? context = null)
    {
        var result = Read(json, route, context);
        Assert.False(result.IsSuccess, "the message was accepted");
        Assert.Empty(result.Events);
        Assert.Contains("not valid UTF-8", result.Error.Error, StringComparison.Ordinal);
        return result.Error;
    }

    [Theory]
    [InlineData("""{"type":"track","event":"X","userId":"ab<FF><FE>cd"}""", "userId")]
    [InlineData("""{"type":"track","event":"X","anonymousId":"<FF>"}""", "anonymousId")]
    [InlineData("""{"type":"track","event":"Order <C3><28>Completed","userId":"u1"}""", "event")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","messageId":"m-<ED><A0><80>"}""", "messageId")]
    [InlineData("""{"type":"tr<FF>ack","event":"X","userId":"u1"}""", "type")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","timestamp":"2026-03-02T12:00:00<C0><AF>Z"}""", "timestamp")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","originalTimestamp":"<E2><82>"}""", "originalTimestamp")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","sentAt":"<80>"}""", "sentAt")]
    [InlineData("""{"type":"page","name":"Ho<FF>me","userId":"u1"}""", "name")]
    [InlineData("""{"type":"alias","userId":"u1","previousId":"<FE>"}""", "previousId")]
    [InlineData("""{"type":"group","userId":"u1","groupId":"<FE>"}""", "groupId")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","writeKey":"key<FF>"}""", "writeKey")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","somethingElse":"<FF>"}""", "somethingElse")]
    public void Invalid_utf8_in_a_top_level_string_is_rejected_naming_the_field(string json, string field)
    {
        Assert.Equal(field, ReadError(json).Field);
    }

    [Theory]
    [InlineData("""{"type":"track","event":"X","userId":"u1","properties":{"sku":"<FF><FE>"}}""", "properties.sku")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","properties":{"items":[{"sku":"ok"},{"sku":"a<C3>"}]}}""", "properties.items[1].sku")]
    [InlineData("""{"type":"identify","userId":"u1","traits":{"email":"z<FF>@example.com"}}""", "traits.email")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","context":{"page":{"url":"https://shop.example/<FF>"}}}""", "context.page.url")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","context":{"userAgent":"Mozilla/5.0 <FE>"}}""", "context.userAgent")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","context":{"campaign":{"source":"news<FF>letter"}}}""", "context.campaign.source")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","context":{"traits":{"name":"<C3><28>"}}}""", "context.traits.name")]
    [InlineData("""{"type":"page","userId":"u1","properties":{"url":"https://shop.example/?utm_source=<FF>"}}""", "properties.url")]
    public void Invalid_utf8_nested_in_properties_traits_or_context_names_its_path(string json, string field)
    {
        Assert.Equal(field, ReadError(json).Field);
    }

    [Theory]
    [InlineData("""{"type":"track","event":"X","userId":"u1","properties":{"na<FF>me":1}}""", "properties")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","properties":{"a\nb<FF>":1}}""", "properties")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","context":{"page":{"ur<FE>l":"x"}}}""", "context.page")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","us<FF>erId":"u2"}""", "body")]
    public void Invalid_utf8_in_a_property_name_names_the_object_holding_it(string json, string field)
    {
        var error = ReadError(json);

        Assert.Equal(field, error.Field);
        Assert.Contains("property name", error.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MessageType.Track)]
    [InlineData(MessageType.Identify)]
    [InlineData(MessageType.Page)]
    [InlineData(MessageType.Screen)]
    [InlineData(MessageType.Group)]
    [InlineData(MessageType.Alias)]
    public void Invalid_utf8_is_rejected_on_every_message_route(MessageType route)
    {
        var error = ReadError("""{"event":"X","groupId":"g","previousId":"p","userId":"<FF><FE>"}""", route);

        Assert.Equal("userId", error.Field);
    }

    [Fact]
    public void The_error_says_which_byte_is_wrong_and_where_in_the_string()
    {
        var error = ReadError("""{"type":"track","event":"X","userId":"ab<FF><FE>cd"}""");

        Assert.Equal("userId is not valid UTF-8 (byte 0xFF at offset 2 of the string)", error.Error);
    }

    [Theory]
    [InlineData("""{"type":"track","event":"X","userId":"a\uD800b"}""", "userId", @"\uD800")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","properties":{"note":"\udc00"}}""", "properties.note", @"\udc00")]
    [InlineData("""{"type":"track","event":"X","userId":"u1","properties":{"\uD83D":1}}""", "properties", @"\uD83D")]
    public void A_lone_surrogate_escape_is_rejected_like_invalid_utf8(string json, string field, string escape)
    {
        var error = ReadError(json);

        Assert.Equal(field, error.Field);
        Assert.Contains(escape, error.Error, StringComparison.Ordinal);
        Assert.Contains("surrogate", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_in_any_script_escaped_pairs_and_escaped_backslashes_are_accepted()
    {
        var result = Read("""{"type":"track","event":"Größe ändern 🎉","userId":"Zoë-<C3><A9>","properties":{"emoji":"\uD83D\uDE00","path":"C:\\uD800","日本":"東京"}}""");

        Assert.True(result.IsSuccess, result.ToString());
        var e = Assert.Single(result.Events);
        Assert.Equal("Größe ändern 🎉", e.Event);
        Assert.Equal("Zoë-é", e.UserId);
        Assert.Equal("😀", e.Properties!.Value.GetProperty("emoji").GetString());
        Assert.Equal(@"C:\uD800", e.Properties.Value.GetProperty("path").GetString());
        Assert.Equal("東京", e.Properties.Value.GetProperty("日本").GetString());
    }

    [Fact]
    public void The_field_prefix_is_kept_for_invalid_utf8()
    {
        var context = Browser() with { FieldPrefix = "lines[12]." };

        Assert.Equal("lines[12].traits.email", ReadError("""{"type":"identify","userId":"u1","traits":{"email":"<FF>"}}""", context: context).Field);
        Assert.Equal("lines[12].body", ReadError("""{"type":"identify","userId":"u1","<FF>":1}""", context: context).Field);
    }

    [Fact]
    public void A_historical_message_with_invalid_utf8_is_rejected_too()
    {
        var context = Browser() with { Historical = true };

        Assert.Equal("userId", ReadError("""{"type":"track","event":"X","userId":"<FF>","receivedAt":"2026-03-01T00:00:00Z"}""", context: context).Field);
    }
}
