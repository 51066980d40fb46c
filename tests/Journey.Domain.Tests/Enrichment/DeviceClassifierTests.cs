using Journey.Domain.Enrichment;
using Journey.Domain.Events;

namespace Journey.Domain.Tests.Enrichment;

public class DeviceClassifierTests
{
    [Theory]
    // Desktop browsers
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", DeviceClass.Desktop)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0", DeviceClass.Desktop)]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", DeviceClass.Desktop)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80", DeviceClass.Desktop)]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", DeviceClass.Desktop)]
    [InlineData("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", DeviceClass.Desktop)]
    [InlineData("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; Media Center PC 6.0; Tablet PC 2.0)", DeviceClass.Desktop)]
    // iPadOS 13+ Safari asks for the desktop site with a Mac user agent: counted as Desktop (documented limit).
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15", DeviceClass.Desktop)]
    // Phones
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1", DeviceClass.Mobile)]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1", DeviceClass.Mobile)]
    [InlineData("Mozilla/5.0 (iPod touch; CPU iPhone OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1", DeviceClass.Mobile)]
    [InlineData("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", DeviceClass.Mobile)]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", DeviceClass.Mobile)]
    [InlineData("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0", DeviceClass.Mobile)]
    [InlineData("Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063", DeviceClass.Mobile)]
    [InlineData("Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16", DeviceClass.Mobile)]
    [InlineData("Mozilla/5.0 (BlackBerry; U; BlackBerry 9900; en) AppleWebKit/534.11+ (KHTML, like Gecko) Version/7.1.0.346 Mobile Safari/534.11+", DeviceClass.Mobile)]
    [InlineData("Mozilla/5.0 (Linux; Android 11; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Mobile Safari/537.36", DeviceClass.Mobile)]
    [InlineData("Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A.230805.001)", DeviceClass.Mobile)]
    // A shop's own app reporting through Meta's in-app browser is a person, not facebookexternalhit.
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21E219 [FBAN/FBIOS;FBAV/459.0.0.38.108;FBBV/589337620]", DeviceClass.Mobile)]
    // Tablets
    [InlineData("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", DeviceClass.Tablet)]
    [InlineData("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", DeviceClass.Tablet)]
    [InlineData("Mozilla/5.0 (Android 13; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0", DeviceClass.Tablet)]
    [InlineData("Mozilla/5.0 (Linux; Android 9; KFMAWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 like Chrome/124.0.6367.82 Safari/537.36", DeviceClass.Tablet)]
    [InlineData("Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; KFTT Build/IML74K) AppleWebKit/535.19 (KHTML, like Gecko) Silk/3.4 Mobile Safari/535.19 Silk-Accelerated=true", DeviceClass.Tablet)]
    [InlineData("Mozilla/5.0 (PlayBook; U; RIM Tablet OS 2.1.0; en-US) AppleWebKit/536.2+ (KHTML, like Gecko) Version/7.2.1.0 Safari/536.2+", DeviceClass.Tablet)]
    // Bots, monitors, headless browsers, HTTP tools
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", DeviceClass.Bot)]
    [InlineData("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.91 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", DeviceClass.Bot)]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", DeviceClass.Bot)]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", DeviceClass.Bot)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36", DeviceClass.Bot)]
    [InlineData("Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse", DeviceClass.Bot)]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", DeviceClass.Bot)]
    [InlineData("Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", DeviceClass.Bot)]
    [InlineData("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", DeviceClass.Bot)]
    [InlineData("Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", DeviceClass.Bot)]
    [InlineData("curl/8.5.0", DeviceClass.Bot)]
    [InlineData("Wget/1.21.4", DeviceClass.Bot)]
    [InlineData("python-requests/2.31.0", DeviceClass.Bot)]
    [InlineData("Go-http-client/1.1", DeviceClass.Bot)]
    [InlineData("Java/17.0.2", DeviceClass.Bot)]
    [InlineData("okhttp/4.12.0", DeviceClass.Bot)]
    // Nothing to go on
    [InlineData("", DeviceClass.Unknown)]
    [InlineData("   ", DeviceClass.Unknown)]
    [InlineData(null, DeviceClass.Unknown)]
    [InlineData("Shop/3.2 CFNetwork/1494.0.7 Darwin/23.4.0", DeviceClass.Unknown)]
    public void Classify_real_user_agents(string? userAgent, DeviceClass expected)
    {
        Assert.Equal(expected, DeviceClassifier.Classify(userAgent));
    }

    [Theory]
    [InlineData("analytics-node-next/latest", true)]
    [InlineData("python-requests/2.31.0", true)]
    [InlineData("Go-http-client/1.1", true)]
    [InlineData("analytics-java/3.5.1", true)]
    [InlineData("curl/8.5.0", true)]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", false)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsHttpClientLibrary_tells_server_libraries_from_crawlers_and_browsers(string? userAgent, bool expected)
    {
        Assert.Equal(expected, DeviceClassifier.IsHttpClientLibrary(userAgent));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "headless")]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Lighthouse", "lighthouse")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) crawler", "crawl")]
    [InlineData("curl/8.5.0", "curl")]
    [InlineData("python-requests/2.31.0", "python-requests")]
    [InlineData("got (https://github.com/sindresorhus/got)", "got")]
    [InlineData("Mozilla/5.0 (Linux; Android 11; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Mobile Safari/537.36", null)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void BotReason_names_the_token_that_made_the_agent_a_bot(string? userAgent, string? expected)
    {
        Assert.Equal(expected, DeviceClassifier.BotReason(userAgent));
        Assert.Equal(expected is not null, DeviceClassifier.Classify(userAgent) == DeviceClass.Bot);
    }

    [Fact]
    public void BotReason_is_given_for_every_agent_classified_as_a_bot()
    {
        foreach (var token in DeviceClassifier.CrawlerTokens.Concat(DeviceClassifier.HttpLibraryTokens))
        {
            var agent = "Mozilla/5.0 " + token + "1.0";
            Assert.Equal(DeviceClass.Bot, DeviceClassifier.Classify(agent));
            Assert.False(string.IsNullOrEmpty(DeviceClassifier.BotReason(agent)), agent);
        }
    }
}
