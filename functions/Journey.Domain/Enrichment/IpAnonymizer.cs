using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Journey.Domain.Enrichment;

/// <summary>
/// Truncates client IPs the way Google Analytics and Matomo do: IPv4 keeps its /24 (the last octet
/// becomes 0), IPv6 keeps its /48 (the last 80 bits become 0). An IPv4-mapped IPv6 address
/// (::ffff:203.0.113.7) is treated as the IPv4 address it carries. A port (<c>203.0.113.7:5120</c>,
/// <c>[2001:db8::1]:443</c>, as Azure's X-Forwarded-For writes them) is dropped. Anything that
/// is not one IP address gives null.
/// </summary>
public static class IpAnonymizer
{
    /// <summary>
    /// The last input and answer on this thread: the events of one request share the request's
    /// address, so a batch parses it once.
    /// </summary>
    [ThreadStatic]
    private static (string? Ip, bool KeepFullIp, string? Result) t_last;

    /// <summary>The anonymised address, or (with <paramref name="keepFullIp"/>) the address in canonical form; null when invalid.</summary>
    public static string? Anonymize(string? ip, bool keepFullIp = false)
    {
        if (ip is null) return null;
        var last = t_last;
        if (ReferenceEquals(last.Ip, ip) && last.KeepFullIp == keepFullIp) return last.Result;
        var result = AnonymizeCore(ip, keepFullIp);
        t_last = (ip, keepFullIp, result);
        return result;
    }

    private static string? AnonymizeCore(string ip, bool keepFullIp)
    {
        if (!TryParse(ip, out var address)) return null;
        if (keepFullIp) return address.ToString();

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (written == 4)
        {
            bytes[3] = 0;
            return new IPAddress(bytes[..4]).ToString();
        }
        bytes[6..16].Clear();
        return new IPAddress(bytes).ToString();
    }

    /// <summary>Parses one IPv4 (exactly four decimal octets) or IPv6 address, with an optional port.</summary>
    public static bool TryParse(string? ip, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrWhiteSpace(ip)) return false;
        var span = ip.AsSpan().Trim();

        if (span[0] == '[')
        {
            var close = span.IndexOf(']');
            if (close < 0) return false;
            var after = span[(close + 1)..];
            if (!after.IsEmpty && !IsPort(after)) return false;
            span = span[1..close];
        }
        else if (span.IndexOf(':') is var colon and >= 0 && span.LastIndexOf(':') == colon && span.Contains('.'))
        {
            // a.b.c.d:port
            if (!IsPort(span[colon..])) return false;
            span = span[..colon];
        }

        if (!span.Contains(':'))
        {
            if (!IsDottedQuad(span)) return false;
            address = IPAddress.Parse(span);
            return true;
        }

        var percent = span.IndexOf('%');
        if (percent >= 0) span = span[..percent];
        if (!IPAddress.TryParse(span, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6) return false;
        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : new IPAddress(parsed.GetAddressBytes());
        return true;
    }

    private static bool IsPort(ReadOnlySpan<char> text) =>
        text.Length > 1 && text[0] == ':' && ushort.TryParse(text[1..], NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>Exactly four decimal octets 0-255 (IPAddress.Parse alone accepts "1.2.3" and "0x7f.1").</summary>
    private static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (part.IsEmpty || part.Length > 3 || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
            parts++;
        }
        return parts == 4;
    }
}
