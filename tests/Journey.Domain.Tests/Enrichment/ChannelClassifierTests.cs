using Journey.Domain.Enrichment;
using Journey.Domain.Events;

namespace Journey.Domain.Tests.Enrichment;

public class ChannelClassifierTests
{
    private const string Shop = "https://shop.example/products/7";

    private static ChannelAttribution Classify(string? url, string? referrer = null, CampaignContext? campaign = null) =>
        ChannelClassifier.Classify(url, referrer, campaign);

    // ---- without UTM tags: the referrer decides ----

    [Fact]
    public void No_referrer_and_no_tags_is_direct()
    {
        Assert.Equal(new ChannelAttribution(Channels.Direct, "(direct)", "(none)", null), Classify(Shop));
        Assert.Equal(Channels.Direct, Classify(null).Channel);
    }

    [Theory]
    [InlineData("https://shop.example/cart")]
    [InlineData("https://www.shop.example/")]
    [InlineData("https://checkout.shop.example/pay")]
    [InlineData("https://www.paypal.com/checkoutnow?token=EC-1")]
    [InlineData("https://checkout.stripe.com/c/pay/cs_live_1")]
    public void A_same_site_or_payment_referrer_is_direct(string referrer)
    {
        Assert.Equal(new ChannelAttribution(Channels.Direct, "(direct)", "(none)", null), Classify(Shop, referrer));
    }

    [Theory]
    [InlineData("https://www.google.com/", "google.com")]
    [InlineData("https://www.google.co.uk/search?q=shoes", "google.co.uk")]
    [InlineData("https://www.bing.com/search?q=shoes", "bing.com")]
    [InlineData("https://duckduckgo.com/", "duckduckgo.com")]
    [InlineData("https://search.yahoo.co.jp/search?p=shoes", "search.yahoo.co.jp")]
    [InlineData("https://www.ecosia.org/search?q=shoes", "ecosia.org")]
    [InlineData("android-app://com.google.android.googlequicksearchbox/", "com.google.android.googlequicksearchbox")]
    public void A_search_engine_referrer_is_organic_search(string referrer, string source)
    {
        Assert.Equal(new ChannelAttribution(Channels.OrganicSearch, source, "organic", null), Classify(Shop, referrer));
    }

    [Theory]
    [InlineData("https://m.facebook.com/", "m.facebook.com")]
    [InlineData("https://l.instagram.com/", "l.instagram.com")]
    [InlineData("https://t.co/abc123", "t.co")]
    [InlineData("https://www.linkedin.com/feed/", "linkedin.com")]
    [InlineData("https://www.pinterest.de/pin/1/", "pinterest.de")]
    [InlineData("https://www.reddit.com/r/shoes/", "reddit.com")]
    [InlineData("android-app://com.facebook.katana/", "com.facebook.katana")]
    public void A_social_referrer_is_organic_social(string referrer, string source)
    {
        Assert.Equal(new ChannelAttribution(Channels.OrganicSocial, source, "referral", null), Classify(Shop, referrer));
    }

    [Theory]
    [InlineData("https://mail.google.com/", "mail.google.com")]
    [InlineData("https://outlook.live.com/mail/0/", "outlook.live.com")]
    [InlineData("android-app://com.google.android.gm/", "com.google.android.gm")]
    public void A_webmail_referrer_is_email(string referrer, string source)
    {
        Assert.Equal(new ChannelAttribution(Channels.Email, source, "email", null), Classify(Shop, referrer));
    }

    [Theory]
    [InlineData("https://blog.example.org/best-shoes-2026", "blog.example.org")]
    [InlineData("https://www.shopping-guide.example/", "shopping-guide.example")]
    [InlineData("https://chatgpt.com/", "chatgpt.com")]
    [InlineData("http://shop.example.evil.test/", "shop.example.evil.test")]
    public void Any_other_external_referrer_is_referral(string referrer, string source)
    {
        Assert.Equal(new ChannelAttribution(Channels.Referral, source, "referral", null), Classify(Shop, referrer));
    }

    // ---- ad-click ids ----

    [Theory]
    [InlineData("gclid=Cj0KCQ", Channels.PaidSearch, "google", "cpc")]
    [InlineData("gbraid=0AAAAA", Channels.PaidSearch, "google", "cpc")]
    [InlineData("msclkid=4b2a", Channels.PaidSearch, "bing", "cpc")]
    [InlineData("ttclid=E.C.P", Channels.PaidSocial, "tiktok", "cpc")]
    [InlineData("dclid=CJ2", Channels.Display, "google", "display")]
    [InlineData("fbclid=IwAR3", Channels.OrganicSocial, "facebook", "referral")]
    public void A_click_id_alone_names_its_network(string query, string channel, string source, string medium)
    {
        Assert.Equal(new ChannelAttribution(channel, source, medium, null), Classify($"{Shop}?color=red&{query}"));
    }

    [Fact]
    public void A_click_id_wins_over_the_referrer()
    {
        Assert.Equal(Channels.PaidSearch, Classify($"{Shop}?gclid=abc", "https://www.google.com/").Channel);
    }

    [Fact]
    public void Fbclid_alone_takes_the_social_referrer_as_source()
    {
        Assert.Equal(new ChannelAttribution(Channels.OrganicSocial, "l.instagram.com", "referral", null),
            Classify($"{Shop}?fbclid=IwAR3", "https://l.instagram.com/"));
    }

    [Fact]
    public void Fbclid_with_a_paid_medium_is_paid_social()
    {
        Assert.Equal(Channels.PaidSocial, Classify($"{Shop}?utm_source=meta_ads&utm_medium=paid&fbclid=IwAR3").Channel);
        Assert.Equal(Channels.PaidSocial, Classify($"{Shop}?utm_source=facebook&utm_medium=cpc&fbclid=IwAR3").Channel);
    }

    [Fact]
    public void A_click_id_without_a_value_is_ignored()
    {
        Assert.Equal(Channels.Direct, Classify($"{Shop}?gclid=").Channel);
    }

    // ---- UTM tags ----

    [Theory]
    [InlineData("google", "cpc", Channels.PaidSearch)]
    [InlineData("bing", "ppc", Channels.PaidSearch)]
    [InlineData("google", "paidsearch", Channels.PaidSearch)]
    [InlineData("Google", "CPC", Channels.PaidSearch)]
    [InlineData("adnetwork", "cpc", Channels.PaidSearch)]
    [InlineData("adnetwork", "paid_search", Channels.PaidSearch)]
    [InlineData("facebook", "cpc", Channels.PaidSocial)]
    [InlineData("fb", "paid", Channels.PaidSocial)]
    [InlineData("ig", "paid_social", Channels.PaidSocial)]
    [InlineData("meta", "paid_social", Channels.PaidSocial)]
    [InlineData("linkedin.com", "cpc", Channels.PaidSocial)]
    [InlineData("criteo", "retargeting", Channels.Display)]
    [InlineData("adroll", "paid", Channels.Display)]
    [InlineData("google", "display", Channels.Display)]
    [InlineData("gdn", "banner", Channels.Display)]
    [InlineData("dv360", "cpm", Channels.Display)]
    [InlineData("newsletter", "email", Channels.Email)]
    [InlineData("mailchimp", "e-mail", Channels.Email)]
    [InlineData("klaviyo", "e_mail", Channels.Email)]
    [InlineData("spring", "newsletter", Channels.Email)]
    [InlineData("awin", "affiliate", Channels.Affiliate)]
    [InlineData("partnerblog", "social", Channels.OrganicSocial)]
    [InlineData("instagram", "bio", Channels.OrganicSocial)]
    [InlineData("x", "post", Channels.OrganicSocial)]
    [InlineData("google", "organic", Channels.OrganicSearch)]
    [InlineData("someengine", "organic", Channels.OrganicSearch)]
    [InlineData("partner", "referral", Channels.Referral)]
    [InlineData("partner", "qr-code", Channels.Referral)]
    public void Utm_source_and_medium_decide_the_channel(string source, string medium, string channel)
    {
        var result = Classify($"{Shop}?utm_source={source}&utm_medium={medium}&utm_campaign=spring");

        Assert.Equal(new ChannelAttribution(channel, source, medium, "spring"), result);
    }

    [Theory]
    [InlineData("google", Channels.OrganicSearch)]
    [InlineData("facebook", Channels.OrganicSocial)]
    [InlineData("newsletter", Channels.Email)]
    [InlineData("partner", Channels.Referral)]
    public void A_source_without_medium_is_classified_by_the_source(string source, string channel)
    {
        Assert.Equal(new ChannelAttribution(channel, source, "(not set)", null), Classify($"{Shop}?utm_source={source}"));
    }

    [Fact]
    public void A_source_without_medium_and_a_gclid_is_paid_search()
    {
        Assert.Equal(new ChannelAttribution(Channels.PaidSearch, "google", "cpc", null), Classify($"{Shop}?utm_source=google&gclid=abc"));
    }

    [Fact]
    public void An_unknown_tag_falls_back_to_the_external_referrer()
    {
        Assert.Equal(Channels.OrganicSearch, Classify($"{Shop}?utm_source=spring_flyer", "https://www.google.com/").Channel);
        Assert.Equal(Channels.Referral, Classify($"{Shop}?utm_source=spring_flyer", "https://shop.example/").Channel);
    }

    [Fact]
    public void Tags_win_over_the_referrer()
    {
        Assert.Equal(Channels.Email, Classify($"{Shop}?utm_source=newsletter&utm_medium=email", "https://www.google.com/").Channel);
        Assert.Equal(Channels.PaidSocial, Classify($"{Shop}?utm_source=facebook&utm_medium=cpc", "https://shop.example/").Channel);
    }

    [Fact]
    public void Direct_tags_are_direct()
    {
        Assert.Equal(Channels.Direct, Classify($"{Shop}?utm_source=(direct)&utm_medium=(none)", "https://blog.example.org/").Channel);
    }

    [Fact]
    public void The_campaign_context_wins_over_the_url_tags()
    {
        var campaign = new CampaignContext { Source = "newsletter", Medium = "email", Name = "march" };

        var result = Classify($"{Shop}?utm_source=google&utm_medium=cpc&utm_campaign=other", null, campaign);

        Assert.Equal(new ChannelAttribution(Channels.Email, "newsletter", "email", "march"), result);
    }

    [Fact]
    public void A_campaign_name_alone_keeps_the_name_and_the_referrer_channel()
    {
        Assert.Equal(new ChannelAttribution(Channels.Direct, "(direct)", "(none)", "spring"), Classify($"{Shop}?utm_campaign=spring"));
        Assert.Equal(new ChannelAttribution(Channels.Referral, "blog.example.org", "referral", "spring"),
            Classify($"{Shop}?utm_campaign=spring", "https://blog.example.org/"));
    }

    [Fact]
    public void Url_tags_are_decoded()
    {
        var result = Classify($"{Shop}?utm_source=Google%20Ads&utm_medium=cpc&utm_campaign=spring+sale%21#top");

        Assert.Equal(new ChannelAttribution(Channels.PaidSearch, "Google Ads", "cpc", "spring sale!"), result);
    }

    [Fact]
    public void Page_and_campaign_contexts_are_accepted()
    {
        var page = new PageContext { Url = Shop, Referrer = "https://www.bing.com/" };

        Assert.Equal(Channels.OrganicSearch, ChannelClassifier.Classify(page, null).Channel);
        Assert.Equal(Channels.Direct, ChannelClassifier.Classify(null, null).Channel);
    }

    [Fact]
    public void A_relative_page_url_treats_every_referrer_as_external()
    {
        Assert.Equal(Channels.Referral, Classify("/products/7", "https://shop.example/").Channel);
    }

    [Fact]
    public void All_lists_every_channel_once()
    {
        Assert.Equal(9, Channels.All.Distinct().Count());
    }
}
