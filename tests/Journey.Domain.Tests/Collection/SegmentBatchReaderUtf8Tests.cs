using Journey.Domain.Collection;
using static Journey.Domain.Tests.Collection.CollectorContexts;

namespace Journey.Domain.Tests.Collection;

/// <summary>Text that is not valid UTF-8 anywhere in a batch rejects it whole, naming the item and its field.</summary>
public class SegmentBatchReaderUtf8Tests
{
    private const string Ok = """{"type":"track","anonymousId":"a1","event":"X"}""";

    /// <summary>Reads <paramref name="json"/> with <c>&lt;XX&gt;</c> as raw bytes (see <see cref="CollectorContexts.WithBytes"/>).</summary>
    private static CollectionResult Read(string json, CollectorContext? context = null)
    {
        var bytes = WithBytes(json);
        return SegmentBatchReader.Read(Json(bytes), bytes.Length, context ?? Browser());
    }

    private static CollectionError ReadError(string json, CollectorContext? context = null)
    {
        var result = Read(json, context);
        Assert.False(result.IsSuccess, "the batch was accepted");
        Assert.Empty(result.Events);
        Assert.Contains("not valid UTF-8", result.Error.Error, StringComparison.Ordinal);
        return result.Error;
    }

    [Theory]
    [InlineData("""{"type":"track","event":"X","userId":"<FF><FE>"}""", "batch[3].userId")]
    [InlineData("""{"type":"track","event":"X","anonymousId":"a","messageId":"m<C3><28>"}""", "batch[3].messageId")]
    [InlineData("""{"type":"track","event":"X<FF>","anonymousId":"a"}""", "batch[3].event")]
    [InlineData("""{"type":"track","event":"X","anonymousId":"a","properties":{"sku":"<ED><A0><80>"}}""", "batch[3].properties.sku")]
    [InlineData("""{"type":"track","event":"X","anonymousId":"a","context":{"page":{"url":"https://x.example/<FF>"}}}""", "batch[3].context.page.url")]
    [InlineData("""{"type":"identify","anonymousId":"a","traits":{"na<FF>me":"Zoë"}}""", "batch[3].traits")]
    [InlineData("""{"type":"track","event":"X","anonymousId":"a","us<FF>erId":"u"}""", "batch[3]")]
    [InlineData("""{"type":"track","event":"X","anonymousId":"a\uDC00"}""", "batch[3].anonymousId")]
    public void An_item_with_invalid_utf8_rejects_the_whole_batch_naming_the_item(string item, string field)
    {
        var json = $$"""{"batch":[{{Ok}},{{Ok}},{{Ok}},{{item}},{{Ok}}]}""";

        Assert.Equal(field, ReadError(json).Field);
    }

    [Fact]
    public void Invalid_utf8_wins_over_an_earlier_item_that_is_invalid_otherwise()
    {
        // The text of the whole body is checked before any item is read.
        var json = """{"batch":[{"type":"track","anonymousId":"a"},{"type":"track","event":"X","userId":"<FF>"}]}""";

        Assert.Equal("batch[1].userId", ReadError(json).Field);
    }

    [Theory]
    [InlineData("""{"batch":[OK],"context":{"page":{"referrer":"<FF>"}}}""", "context.page.referrer")]
    [InlineData("""{"batch":[OK],"sentAt":"2026-03-02T12:00:00<FF>Z"}""", "sentAt")]
    [InlineData("""{"batch":[OK],"writeKey":"<FE>"}""", "writeKey")]
    [InlineData("""{"batch":[OK],"<FF>":1}""", "body")]
    public void Invalid_utf8_outside_the_items_names_that_field(string json, string field)
    {
        Assert.Equal(field, ReadError(json.Replace("OK", Ok, StringComparison.Ordinal)).Field);
    }

    [Fact]
    public void The_field_prefix_is_kept_for_invalid_utf8()
    {
        var context = Browser() with { FieldPrefix = "lines[3]." };

        Assert.Equal("lines[3].batch[0].userId", ReadError("""{"batch":[{"type":"track","event":"X","userId":"<FF>"}]}""", context).Field);
    }

    [Fact]
    public void A_batch_of_valid_text_in_any_script_is_read_whole()
    {
        var result = Read("""{"batch":[{"type":"identify","userId":"u1","traits":{"name":"Zoë <C3><A9> 🎉","city":"\u6771\u4eac"}},{"type":"track","userId":"u1","event":"Größe","properties":{"e":"\uD83D\uDE00"}}]}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(2, result.Events.Count);
        Assert.Equal("Zoë é 🎉", result.Events[0].Traits!.Value.GetProperty("name").GetString());
        Assert.Equal("東京", result.Events[0].Traits!.Value.GetProperty("city").GetString());
        Assert.Equal("😀", result.Events[1].Properties!.Value.GetProperty("e").GetString());
    }
}
