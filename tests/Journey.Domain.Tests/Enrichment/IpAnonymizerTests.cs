using Journey.Domain.Enrichment;

namespace Journey.Domain.Tests.Enrichment;

public class IpAnonymizerTests
{
    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0")]
    [InlineData(" 198.51.100.255 ", "198.51.100.0")]
    [InlineData("203.0.113.77:50412", "203.0.113.0")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::")]
    [InlineData("2001:0db8:0001:ffff:ffff:ffff:ffff:ffff", "2001:db8:1::")]
    [InlineData("[2001:db8:85a3::8a2e:370:7348]:443", "2001:db8:85a3::")]
    [InlineData("fe80::1ff:fe23:4567:890a%eth0", "fe80::")]
    [InlineData("::1", "::")]
    [InlineData("::ffff:203.0.113.77", "203.0.113.0")]
    public void Anonymize_keeps_the_network_and_zeroes_the_host(string ip, string expected)
    {
        Assert.Equal(expected, IpAnonymizer.Anonymize(ip));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not an ip")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("1.2.3.4:99999")]
    [InlineData("2001:db8::g")]
    [InlineData("203.0.113.7, 10.0.0.1")]
    public void Anonymize_gives_null_for_anything_but_one_address(string? ip)
    {
        Assert.Null(IpAnonymizer.Anonymize(ip));
        Assert.Null(IpAnonymizer.Anonymize(ip, keepFullIp: true));
    }

    [Theory]
    [InlineData("203.0.113.77", "203.0.113.77")]
    [InlineData("203.0.113.77:50412", "203.0.113.77")]
    [InlineData("2001:0db8:85a3:0000:0000:8a2e:0370:7348", "2001:db8:85a3::8a2e:370:7348")]
    public void Anonymize_with_keepFullIp_returns_the_canonical_address(string ip, string expected)
    {
        Assert.Equal(expected, IpAnonymizer.Anonymize(ip, keepFullIp: true));
    }

    [Fact]
    public void Repeated_calls_with_the_same_address_give_the_same_answer_for_each_mode()
    {
        var ip = "203.0.113.77";

        Assert.Equal("203.0.113.0", IpAnonymizer.Anonymize(ip));
        Assert.Equal("203.0.113.77", IpAnonymizer.Anonymize(ip, keepFullIp: true));
        Assert.Equal("203.0.113.0", IpAnonymizer.Anonymize(ip));
        Assert.Equal("198.51.100.0", IpAnonymizer.Anonymize("198.51.100.9"));
        Assert.Null(IpAnonymizer.Anonymize("not an ip"));
        Assert.Null(IpAnonymizer.Anonymize("not an ip"));
    }
}
