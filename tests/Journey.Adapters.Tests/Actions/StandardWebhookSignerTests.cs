using System.Security.Cryptography;
using System.Text;
using Journey.Adapters.Actions.Webhooks;
using Journey.Testing;

namespace Journey.Adapters.Tests.Actions;

public sealed class StandardWebhookSignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Sign_matches_the_published_test_vector_of_the_standard_webhooks_libraries()
    {
        // The signing vector of the Standard Webhooks reference libraries' tests (github.com/standard-webhooks/standard-webhooks).
        var signer = new StandardWebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        var signature = signer.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("{\"test\": 2432232314}"));

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Sign_is_checked_by_the_independent_verifier_and_a_change_of_body_id_timestamp_or_secret_fails_it()
    {
        var secret = NewSecret(32);
        var body = Encoding.UTF8.GetBytes("""{"type":"order.cancelled","data":{"reason":"too late"}}""");
        var timestamp = Now.ToUnixTimeSeconds();
        var headers = Headers("order%2Ecancelled:c1:o1", timestamp, new StandardWebhookSigner(secret).Sign("order%2Ecancelled:c1:o1", timestamp, body));

        Assert.Null(IndependentWebhookVerifier.Problem(secret, headers, body, Now));
        Assert.NotNull(IndependentWebhookVerifier.Problem(secret, headers, [.. body, (byte)' '], Now));
        Assert.NotNull(IndependentWebhookVerifier.Problem(NewSecret(32), headers, body, Now));
        Assert.NotNull(IndependentWebhookVerifier.Problem(secret, new Dictionary<string, string>(headers) { ["webhook-id"] = "order%2Ecancelled:c1:o2" }, body, Now));
        Assert.NotNull(IndependentWebhookVerifier.Problem(secret, new Dictionary<string, string>(headers) { ["webhook-timestamp"] = (timestamp + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }, body, Now));
    }

    [Fact]
    public void The_verifier_rejects_a_timestamp_outside_its_tolerance_and_accepts_one_just_inside()
    {
        var secret = NewSecret(24);
        var body = "{}"u8.ToArray();
        var timestamp = Now.ToUnixTimeSeconds();
        var headers = Headers("m1", timestamp, new StandardWebhookSigner(secret).Sign("m1", timestamp, body));

        Assert.Null(IndependentWebhookVerifier.Problem(secret, headers, body, Now + IndependentWebhookVerifier.Tolerance));
        Assert.Contains("too far", IndependentWebhookVerifier.Problem(secret, headers, body, Now + IndependentWebhookVerifier.Tolerance + TimeSpan.FromSeconds(1)), StringComparison.Ordinal);
        Assert.Contains("too far", IndependentWebhookVerifier.Problem(secret, headers, body, Now - IndependentWebhookVerifier.Tolerance - TimeSpan.FromSeconds(1)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_among_others_of_a_rotated_secret_is_found()
    {
        var secret = NewSecret(32);
        var body = "{}"u8.ToArray();
        var timestamp = Now.ToUnixTimeSeconds();
        var signature = new StandardWebhookSigner(secret).Sign("m1", timestamp, body);
        var old = new StandardWebhookSigner(NewSecret(32)).Sign("m1", timestamp, body);

        Assert.Null(IndependentWebhookVerifier.Problem(secret, Headers("m1", timestamp, old + " " + signature), body, Now));
        Assert.NotNull(IndependentWebhookVerifier.Problem(secret, Headers("m1", timestamp, old), body, Now));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with 'whsec_'")]
    [InlineData("whsec_not*base64!", "not valid base64")]
    [InlineData("whsec_c2hvcnQ=", "24 to 64 bytes")]
    public void A_secret_not_of_the_whsec_form_is_refused_with_a_clear_message(string? secret, string expected)
    {
        Assert.False(StandardWebhookSigner.IsValidSecret(secret, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        var ex = Assert.Throws<ArgumentException>(() => new StandardWebhookSigner(secret!));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(secret)) Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_of_24_and_64_bytes_are_accepted_and_65_is_not()
    {
        Assert.True(StandardWebhookSigner.IsValidSecret(NewSecret(24), out _));
        Assert.True(StandardWebhookSigner.IsValidSecret(NewSecret(64), out _));
        Assert.False(StandardWebhookSigner.IsValidSecret(NewSecret(23), out _));
        Assert.False(StandardWebhookSigner.IsValidSecret(NewSecret(65), out _));
    }

    [Fact]
    public void A_message_id_with_a_full_stop_is_refused()
    {
        var signer = new StandardWebhookSigner(NewSecret(32));

        Assert.Throws<ArgumentException>(() => signer.Sign("cart.abandoned:c1:k", 1, "{}"u8));
    }

    [Theory]
    [InlineData("cart.abandoned:c1:cart-9", "cart%2Eabandoned:c1:cart-9")]
    [InlineData("a.b", "a%2Eb")]
    [InlineData("a%2Eb", "a%252Eb")]
    [InlineData("plain", "plain")]
    public void MessageIdFor_has_no_full_stop_and_keeps_distinct_keys_distinct(string key, string expected)
    {
        Assert.Equal(expected, StandardWebhookSigner.MessageIdFor(key));
        Assert.DoesNotContain('.', StandardWebhookSigner.MessageIdFor(key));
    }

    internal static string NewSecret(int bytes) => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    private static Dictionary<string, string> Headers(string id, long timestamp, string signature) => new(StringComparer.Ordinal)
    {
        ["webhook-id"] = id,
        ["webhook-timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["webhook-signature"] = signature,
    };
}
