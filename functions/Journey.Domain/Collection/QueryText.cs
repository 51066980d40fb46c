using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Journey.Domain.Collection;

/// <summary>
/// Decodes one component of a query string (a name or a value): '+' is a space, <c>%XX</c> a byte,
/// and the bytes are UTF-8. A '%' not followed by two hex digits stays as it is (as
/// <see cref="Uri.UnescapeDataString(string)"/> leaves it). Unlike that method, percent-escapes that
/// do not make valid UTF-8 (<c>%FF</c>, <c>%C3%28</c>, an encoded surrogate <c>%ED%A0%80</c>) are an
/// error rather than text kept still encoded, and so is a lone surrogate character.
/// <para>A component without '%', '+' or a surrogate (the usual case) is copied as it is.</para>
/// </summary>
internal static class QueryText
{
    /// <summary>
    /// Decodes <paramref name="component"/>; false, with <paramref name="problem"/> saying where
    /// ("%FF at offset 4"), when it is not valid UTF-8.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> component, out string text, [NotNullWhen(false)] out string? problem)
    {
        problem = null;
        if (component.IndexOfAny('%', '+') < 0 && component.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            text = new string(component);
            return true;
        }

        // Each char makes at most 3 bytes (a surrogate pair makes 4 from 2 chars); an escape 1 from 3.
        var maxBytes = checked(component.Length * 3);
        byte[]? rented = null;
        Span<byte> buffer = maxBytes <= 512 ? stackalloc byte[maxBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = 0;
            for (var i = 0; i < component.Length; i++)
            {
                var c = component[i];
                if (c == '+')
                {
                    buffer[length++] = (byte)' ';
                }
                else if (c == '%' && TryReadEscape(component, i, out var b))
                {
                    buffer[length++] = b;
                    i += 2;
                }
                else if (char.IsAscii(c))
                {
                    buffer[length++] = (byte)c;
                }
                else if (Rune.DecodeFromUtf16(component[i..], out var rune, out var used) == OperationStatus.Done)
                {
                    length += rune.EncodeToUtf8(buffer[length..]);
                    i += used - 1;
                }
                else
                {
                    text = "";
                    problem = string.Create(CultureInfo.InvariantCulture, $"a lone surrogate U+{(int)c:X4} at offset {i}");
                    return false;
                }
            }

            var bytes = buffer[..length];
            var invalid = Utf8Text.FirstInvalidByte(bytes);
            if (invalid >= 0)
            {
                text = "";
                var at = SourceOffset(component, invalid);
                problem = string.Create(CultureInfo.InvariantCulture, $"{(component[at] == '%' ? component.Slice(at, 3) : component.Slice(at, 1))} at offset {at} does not decode as UTF-8");
                return false;
            }
            text = Encoding.UTF8.GetString(bytes);
            return true;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The offset in <paramref name="component"/> of what decodes to its byte number <paramref name="byteIndex"/>.</summary>
    private static int SourceOffset(ReadOnlySpan<char> component, int byteIndex)
    {
        var bytes = 0;
        for (var i = 0; i < component.Length; i++)
        {
            var start = i;
            if (component[i] == '%' && TryReadEscape(component, i, out _))
            {
                bytes++;
                i += 2;
            }
            else if (char.IsAscii(component[i]) || Rune.DecodeFromUtf16(component[i..], out var rune, out var used) != OperationStatus.Done)
            {
                bytes++;
            }
            else
            {
                bytes += rune.Utf8SequenceLength;
                i += used - 1;
            }
            if (bytes > byteIndex) return start;
        }
        return component.Length - 1;
    }

    private static bool TryReadEscape(ReadOnlySpan<char> component, int percent, out byte value)
    {
        value = 0;
        if (percent + 2 >= component.Length || !char.IsAsciiHexDigit(component[percent + 1]) || !char.IsAsciiHexDigit(component[percent + 2])) return false;
        value = (byte)(HexValue(component[percent + 1]) << 4 | HexValue(component[percent + 2]));
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
