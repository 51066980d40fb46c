using System.Text;
using System.Text.RegularExpressions;

namespace Journey.Testing;

/// <summary>Input a C# string cannot hold (invalid UTF-8), written as text.</summary>
public static partial class RawBytes
{
    /// <summary>
    /// The UTF-8 bytes of <paramref name="text"/> with each <c>&lt;XX&gt;</c> (two hex digits) replaced by
    /// that raw byte: <c>"ab&lt;FF&gt;&lt;FE&gt;"</c> is 61 62 FF FE.
    /// </summary>
    public static byte[] Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new List<byte>();
        var parts = Escape().Split(text);
        for (var i = 0; i < parts.Length; i++)
        {
            if (i % 2 == 0) bytes.AddRange(Encoding.UTF8.GetBytes(parts[i]));
            else bytes.Add(Convert.ToByte(parts[i], 16));
        }
        return [.. bytes];
    }

    [GeneratedRegex("<([0-9A-F]{2})>")]
    private static partial Regex Escape();
}
