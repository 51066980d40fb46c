namespace Journey.Functions.Collector;

/// <summary>The web origin a request comes from: its <c>Origin</c> header, else the origin of its <c>Referer</c>.</summary>
public static class RequestOrigin
{
    /// <summary>The origin (<c>https://shop.example</c>, no path), or null when the request names none (a server-side client).</summary>
    public static string? Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var origin = request.Headers.Origin.FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(origin)) return origin.Trim().TrimEnd('/');
        var referer = request.Headers.Referer.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(referer)) return null;
        // A Referer that is no absolute URL still names a page, just not one we can place: refuse it like an unknown origin.
        return Uri.TryCreate(referer.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetLeftPart(UriPartial.Authority)
            : referer.Trim();
    }
}
