using System.Text;
using System.Text.Json;
using Journey.Domain.Collection;

namespace Journey.Domain.Tests.Collection;

/// <summary>Request contexts and JSON helpers for the collection tests.</summary>
internal static class CollectorContexts
{
    public static readonly DateTimeOffset ReceivedAt = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    public const string ChromeDesktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    public const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";

    public static CollectorContext Browser() => new()
    {
        ReceivedAt = ReceivedAt,
        RemoteIp = "203.0.113.77",
        UserAgent = ChromeDesktop,
        Source = "web",
    };

    /// <summary>Parses JSON and returns a detached root element (the document is disposed, as the endpoint would).</summary>
    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static int Utf8Size(string json) => Encoding.UTF8.GetByteCount(json);

    /// <summary>The UTF-8 bytes of <paramref name="text"/> with each <c>&lt;XX&gt;</c> replaced by that raw byte (<see cref="Journey.Testing.RawBytes"/>).</summary>
    public static byte[] WithBytes(string text) => Journey.Testing.RawBytes.Of(text);

    /// <summary>Parses raw JSON bytes (which may hold invalid UTF-8 inside strings) into a detached root element.</summary>
    public static JsonElement Json(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A JSON text of exactly <paramref name="size"/> bytes: <paramref name="template"/> with "PAD" replaced by x's.</summary>
    public static string OfSize(string template, int size)
    {
        var padding = size - Utf8Size(template) + "PAD".Length;
        Assert.True(padding >= 0, "the template is already larger than the wanted size");
        var json = template.Replace("PAD", new string('x', padding), StringComparison.Ordinal);
        Assert.Equal(size, Utf8Size(json));
        return json;
    }
}
