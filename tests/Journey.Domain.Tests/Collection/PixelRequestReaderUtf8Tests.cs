using Journey.Domain.Collection;
using Journey.Domain.Events;
using static Journey.Domain.Tests.Collection.CollectorContexts;

namespace Journey.Domain.Tests.Collection;

/// <summary>Query parameters whose names or values do not percent-decode to valid UTF-8: an error naming the parameter.</summary>
public class PixelRequestReaderUtf8Tests
{
    private static CollectionError ReadError(string query, CollectorContext? context = null)
    {
        var result = PixelRequestReader.ReadQueryString(query, context ?? Browser());
        Assert.False(result.IsSuccess, "the hit was accepted: " + result);
        Assert.Empty(result.Events);
        Assert.Contains("not valid UTF-8", result.Error.Error, StringComparison.Ordinal);
        return result.Error;
    }

    private static JourneyEvent ReadEvent(string query)
    {
        var result = PixelRequestReader.ReadQueryString(query, Browser());
        Assert.True(result.IsSuccess, result.ToString());
        return Assert.Single(result.Events);
    }

    [Theory]
    [InlineData("k=journey-local&uid=%FF%FE", "uid")]
    [InlineData("k=journey-local&aid=a%FF", "aid")]
    [InlineData("k=journey-local&aid=a1&e=Product%20Viewed%C3", "e")]
    [InlineData("k=journey-local&aid=a1&e=a+%FF+b", "e")]
    [InlineData("k=journey-local&aid=a1&mid=%ED%A0%80", "mid")]
    [InlineData("k=journey-local&aid=a1&url=https%3A%2F%2Fshop.example%2F%C0%AF", "url")]
    [InlineData("k=journey-local&aid=a1&ref=%E2%82", "ref")]
    [InlineData("k=journey-local&aid=a1&ts=%80", "ts")]
    [InlineData("k=journey-local&aid=a1&p_name=%C3%28", "p_name")]
    [InlineData("k=journey-local&aid=a1&t_email=z%FF%40example.com", "t_email")]
    [InlineData("k=journey-local&aid=a1&cb=%FF", "cb")]
    [InlineData("k=journey-local&aid=a1&p_caf%C3%A9=%FF", "p_café")]
    public void A_value_that_does_not_decode_to_utf8_is_rejected_naming_the_parameter(string query, string field)
    {
        Assert.Equal(field, ReadError(query).Field);
    }

    [Theory]
    [InlineData("k=journey-local&aid=a1&p_%FF=1", "p_%FF")]
    [InlineData("k=journey-local&aid=a1&t_na%C3%28me=x", "t_na%C3%28me")]
    [InlineData("k=journey-local&%FF%FE=a1", "%FF%FE")]
    public void A_parameter_name_that_does_not_decode_to_utf8_is_rejected_naming_it_as_sent(string query, string field)
    {
        var error = ReadError(query);

        Assert.Equal(field, error.Field);
        Assert.Contains("parameter name", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_error_says_which_escape_is_wrong_and_where()
    {
        var error = ReadError("k=journey-local&aid=a1&p_name=ab%C3%28");

        Assert.Equal("the value of p_name is not valid UTF-8 (%C3 at offset 2 does not decode as UTF-8); percent-encode text as UTF-8 (é is %C3%A9)", error.Error);
    }

    [Fact]
    public void A_lone_surrogate_in_the_query_text_is_rejected()
    {
        Assert.Equal("uid", ReadError("k=journey-local&uid=a\uD800b").Field);
    }

    [Fact]
    public void The_field_prefix_is_kept_for_invalid_utf8()
    {
        Assert.Equal("lines[2].uid", ReadError("uid=%FF", Browser() with { FieldPrefix = "lines[2]." }).Field);
    }

    [Theory]
    [InlineData("k=%FF%FE&aid=a1")]
    [InlineData("aid=a1&%6B=%C3%28")]
    public void A_write_key_that_does_not_decode_to_utf8_is_an_error_naming_k(string query)
    {
        Assert.Null(PixelRequestReader.WriteKey(query, out var error));
        Assert.NotNull(error);
        Assert.Equal("k", error.Field);
        Assert.Contains("not valid UTF-8", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_utf8_and_stray_percent_signs_decode_as_before()
    {
        var e = ReadEvent("k=journey-local&uid=Zo%C3%AB&e=Gr%C3%B6%C3%9Fe+%F0%9F%8E%89&p_rate=100%&p_odd=%zz%4&p_caf%C3%A9=%E6%9D%B1%E4%BA%AC&p_raw=caf\u00e9&p_plus=%2B1");

        Assert.Equal("Zoë", e.UserId);
        Assert.Equal("Größe 🎉", e.Event);
        var properties = e.Properties!.Value;
        Assert.Equal("100%", properties.GetProperty("rate").GetString());
        Assert.Equal("%zz%4", properties.GetProperty("odd").GetString());
        Assert.Equal("東京", properties.GetProperty("café").GetString());
        Assert.Equal("café", properties.GetProperty("raw").GetString());
        Assert.Equal("+1", properties.GetProperty("plus").GetString());
    }
}
