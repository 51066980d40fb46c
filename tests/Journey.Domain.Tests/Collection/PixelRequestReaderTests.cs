using System.Text.Json;
using Journey.Domain.Collection;
using Journey.Domain.Enrichment;
using Journey.Domain.Events;
using static Journey.Domain.Tests.Collection.CollectorContexts;

namespace Journey.Domain.Tests.Collection;

public class PixelRequestReaderTests
{
    private static CollectionResult Read(string query, CollectorContext? context = null) =>
        PixelRequestReader.ReadQueryString(query, context ?? Browser());

    private static JourneyEvent ReadEvent(string query, CollectorContext? context = null)
    {
        var result = Read(query, context);
        Assert.True(result.IsSuccess, result.ToString());
        return Assert.Single(result.Events);
    }

    [Fact]
    public void A_named_event_is_a_track_call_with_its_properties()
    {
        var e = ReadEvent("?k=journey-local&aid=a1&e=Product%20Viewed&p_product_id=7");

        Assert.Equal(MessageType.Track, e.Type);
        Assert.Equal("Product Viewed", e.Event);
        Assert.Equal("a1", e.AnonymousId);
        Assert.Null(e.UserId);
        Assert.Equal("""{"product_id":7}""", e.Properties!.Value.GetRawText());
        Assert.Equal(JsonValueKind.Number, e.Properties.Value.GetProperty("product_id").ValueKind);
        Assert.Null(e.Traits);
        Assert.Equal(ReceivedAt, e.Timestamp);
        Assert.Equal(ReceivedAt, e.ReceivedAt);
        Assert.Equal("web", e.Source);
    }

    [Theory]
    [InlineData("?k=journey-local&aid=a1", "journey-local")]
    [InlineData("aid=a1&k=wk%20live&k=second", "wk live")]
    [InlineData("aid=a1&%6B=encoded-name", "encoded-name")]
    [InlineData("aid=a1&k=", "")]
    [InlineData("aid=a1&kk=x", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_write_key_is_the_first_k_decoded(string? query, string? expected)
    {
        Assert.Equal(expected, PixelRequestReader.WriteKey(query, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("aid=a1")]
    [InlineData("aid=a1&e=")]
    [InlineData("aid=a1&e=pv")]
    [InlineData("aid=a1&e=page")]
    [InlineData("aid=a1&e=Page+Viewed")]
    public void No_event_name_or_pv_is_a_page_view(string query)
    {
        var e = ReadEvent(query);

        Assert.Equal(MessageType.Page, e.Type);
        Assert.Null(e.Event);
    }

    [Fact]
    public void Properties_look_like_numbers_only_when_they_are_plain_numbers()
    {
        var e = ReadEvent("aid=a1&e=Order+Completed&p_revenue=42.5&p_order_id=A1&p_zip=01234&p_qty=-3&p_card=1234567890123456&p_code=1e5&p_note=&p_flag=true");

        Assert.Equal("""{"revenue":42.5,"order_id":"A1","zip":"01234","qty":-3,"card":"1234567890123456","code":"1e5","note":"","flag":"true"}""",
            e.Properties!.Value.GetRawText());
    }

    [Fact]
    public void Traits_are_read_from_t_parameters()
    {
        var e = ReadEvent("uid=u-42&t_email=ada%40example.com&t_age=36");

        Assert.Equal("u-42", e.UserId);
        Assert.Equal("""{"email":"ada@example.com","age":36}""", e.Traits!.Value.GetRawText());
    }

    [Fact]
    public void A_repeated_property_keeps_its_last_value()
    {
        Assert.Equal("""{"color":"blue"}""", ReadEvent("aid=a1&p_color=red&p_color=blue").Properties!.Value.GetRawText());
    }

    [Fact]
    public void Ts_is_the_event_time()
    {
        var e = ReadEvent("aid=a1&ts=1772445600000"); // 2026-03-02T10:00:00Z

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), e.OriginalTimestamp);
    }

    [Fact]
    public void A_future_ts_is_clamped_to_receivedAt()
    {
        Assert.Equal(ReceivedAt, ReadEvent("aid=a1&ts=1772540000000").Timestamp);
    }

    [Theory]
    [InlineData("aid=a1&ts=yesterday", "ts 'yesterday' is not a time in milliseconds since the Unix epoch (e.g. 1714566600000)")]
    [InlineData("aid=a1&ts=1772445600000.5", "ts '1772445600000.5' is not a time in milliseconds since the Unix epoch (e.g. 1714566600000)")]
    [InlineData("aid=a1&ts=99999999999999999", "ts '99999999999999999' is not a time in milliseconds since the Unix epoch (e.g. 1714566600000)")]
    public void An_invalid_ts_is_an_error(string query, string error)
    {
        Assert.Equal(new CollectionError(error, "ts"), Read(query).Error);
    }

    [Theory]
    [InlineData("k=journey-local&e=pv")]
    [InlineData("aid=&uid=%20")]
    public void No_id_is_an_error(string query)
    {
        Assert.Equal(new CollectionError("neither uid (user id) nor aid (anonymous id) is set; a pixel hit needs at least one of them", "uid"), Read(query).Error);
    }

    [Fact]
    public void A_mid_over_100_characters_is_an_error()
    {
        Assert.Equal(new CollectionError("mid is 101 characters; the limit is 100", "mid"), Read($"aid=a1&mid={new string('m', 101)}").Error);
        Assert.Equal(new string('m', 100), ReadEvent($"aid=a1&mid={new string('m', 100)}").MessageId);
    }

    [Fact]
    public void A_missing_mid_is_generated()
    {
        var id = ReadEvent("aid=a1").MessageId;

        Assert.StartsWith("journey-", id, StringComparison.Ordinal);
        Assert.Equal(40, id.Length);
        Assert.NotEqual(id, ReadEvent("aid=a1").MessageId);
    }

    [Fact]
    public void Numeric_ids_are_kept_as_text()
    {
        var e = ReadEvent("uid=12345&aid=007");

        Assert.Equal("12345", e.UserId);
        Assert.Equal("007", e.AnonymousId);
    }

    [Fact]
    public void Url_and_ref_give_the_page_campaign_and_channel()
    {
        var e = ReadEvent("aid=a1&url=https%3A%2F%2Fshop.example%2Fshoes%3Futm_source%3Dfacebook%26utm_medium%3Dpaid_social%26utm_campaign%3Dspring&ref=https%3A%2F%2Fl.facebook.com%2F");

        Assert.Equal(new PageContext
        {
            Url = "https://shop.example/shoes?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring",
            Path = "/shoes",
            Search = "?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring",
            Referrer = "https://l.facebook.com/",
        }, e.Page);
        Assert.Equal(new CampaignContext { Source = "facebook", Medium = "paid_social", Name = "spring" }, e.Campaign);
        Assert.Equal(Channels.PaidSocial, e.Channel);
    }

    [Fact]
    public void The_referer_header_stands_in_for_a_missing_url()
    {
        var context = Browser() with { Referer = "https://shop.example/blog/post?gclid=abc" };

        var e = ReadEvent("aid=a1", context);

        Assert.Equal("https://shop.example/blog/post?gclid=abc", e.Page!.Url);
        Assert.Equal(Channels.PaidSearch, e.Channel);
        Assert.Equal("https://shop.example/other", ReadEvent("aid=a1&url=https%3A%2F%2Fshop.example%2Fother", context).Page!.Url);
    }

    [Fact]
    public void No_url_and_no_referrer_is_direct_without_a_page()
    {
        var e = ReadEvent("aid=a1");

        Assert.Null(e.Page);
        Assert.Null(e.Campaign);
        Assert.Equal(Channels.Direct, e.Channel);
    }

    [Fact]
    public void The_client_comes_from_the_headers()
    {
        var e = ReadEvent("aid=a1");

        Assert.Equal(ChromeDesktop, e.UserAgent);
        Assert.Equal(DeviceClass.Desktop, e.Device);
        Assert.Equal("203.0.113.0", e.Ip);
    }

    [Fact]
    public void A_pixel_fetched_by_curl_is_a_bot()
    {
        Assert.Equal(DeviceClass.Bot, ReadEvent("aid=a1", Browser() with { UserAgent = "curl/8.5.0" }).Device);
    }

    [Fact]
    public void Ip_options_apply()
    {
        Assert.Equal("203.0.113.77", ReadEvent("aid=a1", Browser() with { Enrichment = new EnrichmentOptions { AnonymizeIp = false } }).Ip);
        Assert.Null(ReadEvent("aid=a1", Browser() with { OmitIp = true }).Ip);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("7", true)]
    [InlineData("-3", true)]
    [InlineData("42.5", true)]
    [InlineData("0.25", true)]
    [InlineData("123456789012345", true)]
    [InlineData("1234567890123456", false)]
    [InlineData("01234", false)]
    [InlineData("1.", false)]
    [InlineData(".5", false)]
    [InlineData("-", false)]
    [InlineData("+1", false)]
    [InlineData("1e5", false)]
    [InlineData("A1", false)]
    [InlineData("", false)]
    [InlineData(" 1", false)]
    [InlineData("NaN", false)]
    public void LooksNumeric_accepts_plain_decimals_only(string value, bool expected)
    {
        Assert.Equal(expected, PixelRequestReader.LooksNumeric(value));
    }
}
