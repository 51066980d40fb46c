using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Journey.Adapters.Actions.Webhooks;

/// <summary>
/// Signs webhook messages the Standard Webhooks way (symmetric scheme <c>v1</c>): the signed content is
/// <c>{id}.{timestamp}.{body}</c>, the key is the base64 part of a <c>whsec_…</c> secret, the signature is
/// <c>v1,</c> followed by the base64 HMAC-SHA256. Receivers verify with any Standard Webhooks library.
/// </summary>
public sealed class StandardWebhookSigner
{
    /// <summary>The prefix of a symmetric secret.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>The specification's bounds on the secret's size, in bytes (192 to 512 bits).</summary>
    public const int MinSecretBytes = 24;

    /// <inheritdoc cref="MinSecretBytes"/>
    public const int MaxSecretBytes = 64;

    private readonly byte[] _key;

    /// <param name="secret"><c>whsec_</c> followed by the base64 of 24 to 64 random bytes.</param>
    /// <exception cref="ArgumentException">The secret is not of that form (the message says what is wrong, never the secret).</exception>
    public StandardWebhookSigner(string secret)
    {
        _key = ParseSecret(secret, out var problem) ?? throw new ArgumentException(problem, nameof(secret));
    }

    /// <summary>Whether <paramref name="secret"/> is a usable <c>whsec_</c> secret; <paramref name="problem"/> says why not.</summary>
    public static bool IsValidSecret(string? secret, out string problem) => ParseSecret(secret, out problem) is not null;

    /// <summary>The <c>webhook-signature</c> header value: <c>v1,{base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"}</c>.</summary>
    /// <param name="messageId">The <c>webhook-id</c> header value (must not contain '.').</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header value, unix seconds.</param>
    /// <param name="body">The request body exactly as sent.</param>
    public string Sign(string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        if (messageId.Contains('.', StringComparison.Ordinal)) throw new ArgumentException("A webhook message id must not contain '.'.", nameof(messageId));
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{messageId}.{timestamp}."));
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, content));
    }

    /// <summary>A message id for the <c>webhook-id</c> header from any stable key: the spec wants no '.' in it, so '%' and '.' are percent-encoded (one to one, so distinct keys stay distinct).</summary>
    public static string MessageIdFor(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return key.Replace("%", "%25", StringComparison.Ordinal).Replace(".", "%2E", StringComparison.Ordinal);
    }

    private static byte[]? ParseSecret(string? secret, out string problem)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            problem = $"The secret is empty; expected '{SecretPrefix}' followed by the base64 of {MinSecretBytes} to {MaxSecretBytes} random bytes.";
            return null;
        }

        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            problem = $"The secret must start with '{SecretPrefix}' (the Standard Webhooks form: '{SecretPrefix}' followed by base64).";
            return null;
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        }
        catch (FormatException)
        {
            problem = $"The part after '{SecretPrefix}' is not valid base64.";
            return null;
        }

        if (key.Length is < MinSecretBytes or > MaxSecretBytes)
        {
            problem = $"The secret must hold {MinSecretBytes} to {MaxSecretBytes} bytes after base64 decoding (it holds {key.Length}).";
            return null;
        }

        problem = "";
        return key;
    }
}
