using System.Security.Cryptography;
using System.Text;
using Journey.Domain.Actions;

namespace Journey.Domain.Tests.Actions;

public sealed class UnsubscribeTokenTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTimeOffset IssuedAt = new(2026, 3, 14, 9, 26, 53, TimeSpan.Zero);

    private static readonly UnsubscribeToken Tokens = new(Secret);

    [Theory]
    [InlineData("user-42")]
    [InlineData("anon:7f3c/ü+é=?&")]
    public void Verify_ASignedToken_GivesBackTheCustomerAndTheIssueTime(string customerId)
    {
        var token = Tokens.Sign(customerId, IssuedAt);

        var check = Tokens.Verify(token);

        Assert.True(check.IsValid, check.Error);
        Assert.Equal(customerId, check.CustomerId);
        Assert.Equal(IssuedAt, check.IssuedAt);
    }

    [Fact]
    public void Sign_IsUrlSafe_AndTheSameForTheSameInput()
    {
        var token = Tokens.Sign("anon:7f3c/ü+é=?&", IssuedAt);

        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", token);
        Assert.Equal(Uri.EscapeDataString(token), token);
        Assert.Equal(token, Tokens.Sign("anon:7f3c/ü+é=?&", IssuedAt));
    }

    [Fact]
    public void Verify_MatchesAnIndependentHmac()
    {
        var token = Tokens.Sign("user-42", IssuedAt);
        var parts = token.Split('.');
        var payload = FromBase64Url(parts[0]);

        Assert.Equal(1, payload[0]);
        Assert.Equal("user-42", Encoding.UTF8.GetString(payload, 9, payload.Length - 9));
        Assert.Equal(HMACSHA256.HashData(Secret, payload), FromBase64Url(parts[1]));
    }

    [Fact]
    public void Verify_ATamperedCustomerId_IsRefused()
    {
        var token = Tokens.Sign("user-42", IssuedAt);
        var parts = token.Split('.');
        var payload = FromBase64Url(parts[0]);
        payload[^1] = (byte)'3';
        var forged = ToBase64Url(payload) + "." + parts[1];

        var check = Tokens.Verify(forged);

        Assert.False(check.IsValid);
        Assert.Null(check.CustomerId);
        Assert.Contains("signature", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ATamperedSignature_IsRefused()
    {
        var token = Tokens.Sign("user-42", IssuedAt);
        var last = token[^1] == 'A' ? 'B' : 'A';

        Assert.Contains("signature", Tokens.Verify(token[..^1] + last).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ATokenOfAnotherSecret_IsRefused()
    {
        var foreign = new UnsubscribeToken(Enumerable.Repeat((byte)7, 32).ToArray()).Sign("user-42", IssuedAt);

        var check = Tokens.Verify(foreign);

        Assert.False(check.IsValid);
        Assert.Contains("not issued by this shop", check.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData("abc", "two base64url parts")]
    [InlineData("a.b.c", "two base64url parts")]
    [InlineData("abc.", "two base64url parts")]
    [InlineData("ab*c.abcd", "not URL-safe base64")]
    [InlineData("ab+c.abcd", "not URL-safe base64")]
    [InlineData("abcd.abcd", "wrong length")]
    public void Verify_AMalformedToken_IsRefusedWithTheReason(string? token, string reason)
    {
        var check = Tokens.Verify(token);

        Assert.False(check.IsValid);
        Assert.Contains(reason, check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_ShorterThan32Bytes_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new UnsubscribeToken(new byte[31]));
        Assert.Contains("31 bytes", UnsubscribeToken.SecretProblem(Convert.ToBase64String(new byte[31])), StringComparison.Ordinal);
        Assert.Equal("is not base64", UnsubscribeToken.SecretProblem("not base64!"));
        Assert.Null(UnsubscribeToken.SecretProblem(Convert.ToBase64String(Secret)));
        Assert.Equal(Tokens.Sign("u", IssuedAt), UnsubscribeToken.FromBase64Secret(Convert.ToBase64String(Secret)).Sign("u", IssuedAt));
    }

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
