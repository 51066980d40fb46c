namespace Journey.Domain.Enrichment;

/// <summary>
/// A URL cut into host, path and query without allocating, for the collector's hot path. It is
/// lenient on purpose: trackers send absolute URLs, scheme-relative ones (<c>//shop.example/x</c>),
/// paths (<c>/cart?x=1</c>), bare hosts (<c>google.com</c>) and Android app referrers
/// (<c>android-app://com.google.android.gm/</c>, whose host is the app's package name).
/// </summary>
internal readonly ref struct Url
{
    /// <summary>The host as written (no user info, no port); empty when the URL has none.</summary>
    public ReadOnlySpan<char> Host { get; init; }

    /// <summary>The path (may be empty).</summary>
    public ReadOnlySpan<char> Path { get; init; }

    /// <summary>The query without its leading '?', empty when there is none.</summary>
    public ReadOnlySpan<char> Query { get; init; }

    public bool HasQuery { get; init; }

    public static Url Parse(ReadOnlySpan<char> url)
    {
        url = url.Trim();
        var hash = url.IndexOf('#');
        if (hash >= 0) url = url[..hash];

        ReadOnlySpan<char> rest;
        var hasAuthority = false;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && IsScheme(url[..schemeEnd]))
        {
            rest = url[(schemeEnd + 3)..];
            hasAuthority = true;
        }
        else if (url.StartsWith("//", StringComparison.Ordinal))
        {
            rest = url[2..];
            hasAuthority = true;
        }
        else
        {
            rest = url;
            if (!url.IsEmpty && url[0] is not '/' and not '?')
            {
                // A bare "google.com/search": a host when the first segment looks like one.
                var end = url.IndexOfAny('/', '?');
                var first = end < 0 ? url : url[..end];
                hasAuthority = first.Contains('.') && !first.ContainsAny(' ', ':', '=');
            }
        }

        var host = ReadOnlySpan<char>.Empty;
        if (hasAuthority)
        {
            var authorityEnd = rest.IndexOfAny('/', '?');
            var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
            rest = authorityEnd < 0 ? [] : rest[authorityEnd..];
            var at = authority.LastIndexOf('@');
            if (at >= 0) authority = authority[(at + 1)..];
            if (!authority.IsEmpty && authority[0] == '[')
            {
                var close = authority.IndexOf(']');
                authority = close < 0 ? authority[1..] : authority[1..close];
            }
            else
            {
                var colon = authority.IndexOf(':');
                if (colon >= 0) authority = authority[..colon];
            }
            host = authority.TrimEnd('.');
        }

        var question = rest.IndexOf('?');
        return question < 0
            ? new Url { Host = host, Path = rest }
            : new Url { Host = host, Path = rest[..question], Query = rest[(question + 1)..], HasQuery = true };
    }

    /// <summary>The host in lower case without a leading "www.", or null when there is none.</summary>
    public static string? NormalizedHost(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        return NormalizeHost(Parse(url).Host);
    }

    public static string? NormalizeHost(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty) return null;
        if (host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) && host.Length > 4) host = host[4..];
        Span<char> lower = host.Length <= 256 ? stackalloc char[host.Length] : new char[host.Length];
        host.ToLowerInvariant(lower);
        return new string(lower);
    }

    /// <summary>Decodes one query component: '+' is a space, then percent-escapes.</summary>
    public static string Decode(ReadOnlySpan<char> component)
    {
        if (component.IndexOfAny('%', '+') < 0) return new string(component);
        var text = component.Contains('+') ? component.ToString().Replace('+', ' ') : component.ToString();
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0])) return false;
        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '-' and not '.') return false;
        }
        return true;
    }
}

/// <summary>Enumerates the <c>key=value</c> pairs of a query string (without decoding).</summary>
internal ref struct QueryPairs
{
    private ReadOnlySpan<char> _rest;

    public QueryPairs(ReadOnlySpan<char> query)
    {
        _rest = query.StartsWith('?') ? query[1..] : query;
    }

    public ReadOnlySpan<char> Key { get; private set; }
    public ReadOnlySpan<char> Value { get; private set; }

    public readonly QueryPairs GetEnumerator() => this;

    public readonly QueryPairs Current => this;

    public bool MoveNext()
    {
        while (!_rest.IsEmpty)
        {
            var amp = _rest.IndexOf('&');
            var pair = amp < 0 ? _rest : _rest[..amp];
            _rest = amp < 0 ? [] : _rest[(amp + 1)..];
            if (pair.IsEmpty) continue;
            var eq = pair.IndexOf('=');
            Key = eq < 0 ? pair : pair[..eq];
            Value = eq < 0 ? [] : pair[(eq + 1)..];
            return true;
        }
        return false;
    }
}
