using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Identity;

namespace Journey.Adapters.Stream.EventHubs;

/// <summary>Produces the <c>Authorization</c> header value of a send, cached until near expiry.</summary>
internal interface IEventHubsAuthorization : IDisposable
{
    /// <summary>"SAS" or "Bearer": which kind this is, for messages.</summary>
    string Kind { get; }

    /// <summary>The header value; throws when no token can be produced.</summary>
    ValueTask<string> GetHeaderAsync(CancellationToken cancellationToken);

    /// <summary>Drops the cached token (after a 401), so the next send gets a fresh one.</summary>
    void Invalidate();

    /// <summary>Builds the authorization the options call for.</summary>
    static IEventHubsAuthorization Create(EventHubsOptions options, string ns, string hub, TokenCredential? credential, TimeProvider time)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (!EventHubsConnectionString.TryParse(options.ConnectionString, out var parsed, out var error))
                throw new InvalidOperationException($"{EventHubsOptions.ConnectionSetting} is not a valid Event Hubs connection string: {error}");
            return parsed.SharedAccessSignature is { } token
                ? new FixedSignatureAuthorization(token, time)
                : new SharedAccessKeyAuthorization(SharedAccessKeyAuthorization.ResourceUri(ns, hub), parsed.KeyName!, parsed.Key!, options.SasTokenLifetime, time);
        }

        credential ??= options.UseManagedIdentity || !string.IsNullOrEmpty(options.ManagedIdentityClientId)
            ? string.IsNullOrEmpty(options.ManagedIdentityClientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId))
            : new DefaultAzureCredential();
        return new TokenCredentialAuthorization(credential, time);
    }
}

/// <summary>
/// SAS tokens signed with a connection string's key: <c>SharedAccessSignature sr=&lt;url-encoded
/// resource&gt;&amp;sig=&lt;url-encoded base64 HMAC-SHA256 of "&lt;url-encoded resource&gt;\n&lt;expiry&gt;"&gt;&amp;se=&lt;expiry,
/// unix seconds&gt;&amp;skn=&lt;key name&gt;</c>, the resource being <c>https://{namespace}/{hub}</c>
/// (as the Azure SDKs sign it). A token is reused until a tenth of its lifetime is left.
/// </summary>
internal sealed class SharedAccessKeyAuthorization(string resourceUri, string keyName, string key, TimeSpan lifetime, TimeProvider time) : IEventHubsAuthorization
{
    private readonly Lock _sync = new();
    private (string Header, DateTimeOffset RenewAt)? _cached;

    public string Kind => "SAS";

    public string ResourceUriValue => resourceUri;

    public static string ResourceUri(string ns, string hub) => $"https://{ns}/{hub}".ToLowerInvariant();

    public ValueTask<string> GetHeaderAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_sync)
        {
            if (_cached is { } cached && now < cached.RenewAt) return ValueTask.FromResult(cached.Header);
            var expiry = now + lifetime;
            var header = Sign(resourceUri, keyName, key, expiry);
            _cached = (header, expiry - (lifetime / 10));
            return ValueTask.FromResult(header);
        }
    }

    public void Invalidate()
    {
        lock (_sync) _cached = null;
    }

    public void Dispose()
    {
    }

    /// <summary>The SAS token for <paramref name="resource"/> signed with <paramref name="sharedAccessKey"/> (used as UTF-8 text, not base64-decoded).</summary>
    public static string Sign(string resource, string sharedAccessKeyName, string sharedAccessKey, DateTimeOffset expiry)
    {
        var encodedResource = WebUtility.UrlEncode(resource);
        var se = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(sharedAccessKey), Encoding.UTF8.GetBytes($"{encodedResource}\n{se}")));
        return $"SharedAccessSignature sr={encodedResource}&sig={WebUtility.UrlEncode(signature)}&se={se}&skn={WebUtility.UrlEncode(sharedAccessKeyName)}";
    }
}

/// <summary>A ready-made SAS token from the connection string: used as it is until its <c>se</c> passes.</summary>
internal sealed class FixedSignatureAuthorization : IEventHubsAuthorization
{
    private readonly string _token;
    private readonly DateTimeOffset? _expiry;
    private readonly TimeProvider _time;

    public FixedSignatureAuthorization(string token, TimeProvider time)
    {
        _token = token;
        _time = time;
        foreach (var part in token["SharedAccessSignature ".Length..].Split('&'))
        {
            if (part.StartsWith("se=", StringComparison.Ordinal) && long.TryParse(part.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var se))
                _expiry = DateTimeOffset.FromUnixTimeSeconds(se);
        }
    }

    public string Kind => "SAS";

    public ValueTask<string> GetHeaderAsync(CancellationToken cancellationToken)
    {
        if (_expiry is { } expiry && _time.GetUtcNow() >= expiry)
            throw new InvalidOperationException($"The SharedAccessSignature in {EventHubsOptions.ConnectionSetting} expired at {expiry:O}.");
        return ValueTask.FromResult(_token);
    }

    public void Invalidate()
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// Microsoft Entra tokens for <see cref="EventHubsOptions.TokenScope"/> from a <see cref="TokenCredential"/>.
/// Not every credential caches (the developer-tool ones of DefaultAzureCredential start a process
/// per call), so the token is kept here until its RefreshOn (or five minutes before it expires);
/// one caller refreshes while the others keep using the old token as long as it is valid.
/// </summary>
internal sealed class TokenCredentialAuthorization(TokenCredential credential, TimeProvider time) : IEventHubsAuthorization
{
    private static readonly TokenRequestContext Request = new([EventHubsOptions.TokenScope]);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile TokenHolder? _cached;

    public string Kind => "Bearer";

    public async ValueTask<string> GetHeaderAsync(CancellationToken cancellationToken)
    {
        var cached = _cached;
        var now = time.GetUtcNow();
        if (cached is not null && now < cached.RefreshAt) return cached.Header;

        if (cached is not null && now < cached.ExpiresOn)
        {
            // Someone else is refreshing and the current token is still good: don't wait for them.
            if (!_refresh.Wait(0, CancellationToken.None)) return cached.Header;
        }
        else
        {
            await _refresh.WaitAsync(cancellationToken);
        }

        try
        {
            cached = _cached;
            now = time.GetUtcNow();
            if (cached is not null && now < cached.RefreshAt) return cached.Header;
            try
            {
                var token = await credential.GetTokenAsync(Request, cancellationToken);
                var refreshAt = token.RefreshOn ?? token.ExpiresOn - TimeSpan.FromMinutes(5);
                if (refreshAt <= now) refreshAt = now + ((token.ExpiresOn - now) / 2);
                cached = new TokenHolder($"Bearer {token.Token}", refreshAt, token.ExpiresOn - TimeSpan.FromSeconds(30));
                _cached = cached;
                return cached.Header;
            }
            catch (Exception) when (cached is not null && now < cached.ExpiresOn && !cancellationToken.IsCancellationRequested)
            {
                return cached.Header; // the refresh failed; the old token still works for a while
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Invalidate() => _cached = null;

    public void Dispose() => _refresh.Dispose();

    private sealed record TokenHolder(string Header, DateTimeOffset RefreshAt, DateTimeOffset ExpiresOn);
}
