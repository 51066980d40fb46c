using System.Text;
using Journey.Domain.Collection;
using static Journey.Domain.Tests.Collection.CollectorContexts;

namespace Journey.Domain.Tests.Collection;

public class Utf8TextTests
{
    [Theory]
    [InlineData("""{"a":"x","b":[1,"y",{"c":"z"}]}""")]
    [InlineData("""{"é":"日本","e":"\uD83D\uDE00","s":"\\uD800","t":"\\\\uDC00"}""")]
    public void Valid_json_text_has_nothing_invalid(string json)
    {
        Assert.Null(Utf8Text.FindInvalid(Json(WithBytes(json))));
    }

    [Theory]
    [InlineData("""{"a":{"b":[0,{"c":"<FF>"}]}}""", "a.b[1].c", "byte 0xFF at offset 0 of the string")]
    [InlineData("""{"a":"ok","b":"x\\\uD800"}""", "b", @"the escape \uD800 at offset 3 of the string is half of a surrogate pair")]
    [InlineData("""{"a":"\uD83Dx\uDE00"}""", "a", @"the escape \uD83D at offset 0 of the string is half of a surrogate pair")]
    [InlineData("""{"a":"\uDE00\uD83D"}""", "a", @"the escape \uDE00 at offset 0 of the string is half of a surrogate pair")]
    [InlineData("""{"a":"ok<F0><9F><98>"}""", "a", "byte 0xF0 at offset 2 of the string")]
    [InlineData("""{"a":{"k<FF>":1}}""", "a", "a property name in a is not valid UTF-8 (byte 0xFF at offset 1 of the name)")]
    [InlineData("""{"<FF>":1}""", "", "a property name at the top level is not valid UTF-8 (byte 0xFF at offset 0 of the name)")]
    public void The_first_invalid_text_is_found_by_its_path(string json, string field, string problem)
    {
        var error = Utf8Text.FindInvalid(Json(WithBytes(json)));

        Assert.NotNull(error);
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_utf8_is_checked_without_reading_escapes()
    {
        Assert.Null(Utf8Text.Utf8Problem(Encoding.UTF8.GetBytes(@"key\uD800"), "the key"));
        Assert.Equal("byte 0xC3 at offset 3 of the key", Utf8Text.Utf8Problem(WithBytes("key<C3>"), "the key"));
    }
}
