namespace Journey.Functions.Collector;

/// <summary>The 1×1 transparent GIF the tracking pixel answers with.</summary>
internal static class PixelGif
{
    public static readonly byte[] Bytes = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public const string ContentType = "image/gif";
    public const string CacheControl = "no-cache, no-store, must-revalidate";
}
