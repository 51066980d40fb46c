using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Journey.Domain.Collection;

/// <summary>
/// Finds JSON text that cannot be read as text: bytes that are not valid UTF-8, or a <c>\uD800</c>-style
/// escape that is half of a surrogate pair. System.Text.Json parses both without complaint but throws
/// when such a string (or property name) is read as a .NET string, and writes it back altered; the
/// readers reject it up front instead, naming the field.
/// <para>Valid input costs one vectorised pass over the raw bytes (<see cref="Utf8.IsValid"/>) and a
/// look at each backslash; only invalid input is walked to find and name the field.</para>
/// </summary>
public static class Utf8Text
{
    /// <summary>
    /// The first string or property name in <paramref name="element"/> that is not valid text, as an
    /// error whose field is the path from <paramref name="element"/> (<c>properties.items[2].sku</c>;
    /// for a bad property name the object holding it, "" for <paramref name="element"/> itself);
    /// null when all its text is valid.
    /// </summary>
    public static CollectionError? FindInvalid(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Undefined || IsValid(JsonMarshal.GetRawUtf8Value(element))) return null;
        return Walk(element, "") ?? new CollectionError("the JSON is not valid UTF-8", "");
    }

    /// <summary>Null when the JSON string <paramref name="value"/> is valid text; else what is wrong with it, for an error message.</summary>
    public static string? StringProblem(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? Problem(JsonMarshal.GetRawUtf8Value(value)[1..^1], "the string") : null;

    /// <summary>
    /// Null when <paramref name="utf8"/> (plain text, no JSON escapes) is valid UTF-8; else where it is
    /// not, for an error message: "byte 0xFF at offset 12 of <paramref name="within"/>".
    /// </summary>
    public static string? Utf8Problem(ReadOnlySpan<byte> utf8, string within)
    {
        var offset = FirstInvalidByte(utf8);
        return offset < 0 ? null : string.Create(CultureInfo.InvariantCulture, $"byte 0x{utf8[offset]:X2} at offset {offset} of {within}");
    }

    /// <summary>
    /// Null when <paramref name="raw"/> (JSON text: UTF-8 with escapes) is valid; else where it is not:
    /// "byte 0xFF at offset 12 of the string", "the escape \uD800 at offset 3 of the string is half of a surrogate pair".
    /// </summary>
    internal static string? Problem(ReadOnlySpan<byte> raw, string within)
    {
        if (Utf8Problem(raw, within) is { } problem) return problem;
        var escape = FirstLoneSurrogateEscape(raw);
        return escape < 0 ? null : string.Create(CultureInfo.InvariantCulture, $"the escape {Encoding.ASCII.GetString(raw.Slice(escape, 6))} at offset {escape} of {within} is half of a surrogate pair");
    }

    /// <summary>True when raw JSON (a value, a string's contents or a name) holds only valid text.</summary>
    internal static bool IsValid(ReadOnlySpan<byte> raw) => Utf8.IsValid(raw) && FirstLoneSurrogateEscape(raw) < 0;

    /// <summary>The offset of the first byte that starts no valid UTF-8 sequence; -1 when there is none.</summary>
    internal static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8)) return -1;
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return -1;
    }

    /// <summary>
    /// The offset of the first <c>\uXXXX</c> escape that is a surrogate without its other half; -1 when
    /// there is none. In parsed JSON a backslash only ever starts an escape inside a string, so
    /// stepping from one backslash to the next reads the escapes exactly (<c>\\uD800</c> is a
    /// backslash followed by the text uD800, not an escape).
    /// </summary>
    internal static int FirstLoneSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        var i = 0;
        while (true)
        {
            var slash = raw[i..].IndexOf((byte)'\\');
            if (slash < 0) return -1;
            i += slash;
            if (i + 1 >= raw.Length) return -1;
            if (raw[i + 1] != (byte)'u' || i + 2 >= raw.Length || (raw[i + 2] | 0x20) != (byte)'d' || !TryReadHex4(raw, i + 2, out var unit))
            {
                i += 2; // not \uDxxx: no surrogate (a \u escape's other digits hold no backslash)
                continue;
            }
            if (unit is < 0xD800 or > 0xDFFF)
            {
                i += 6;
                continue;
            }
            if (unit >= 0xDC00) return i;
            if (i + 12 <= raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u'
                && TryReadHex4(raw, i + 8, out var low) && low is >= 0xDC00 and <= 0xDFFF)
            {
                i += 12;
                continue;
            }
            return i;
        }
    }

    private static bool TryReadHex4(ReadOnlySpan<byte> raw, int start, out int value)
    {
        value = 0;
        return start + 4 <= raw.Length
            && int.TryParse(raw.Slice(start, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Descends into the first invalid member (each member's raw bytes are checked whole first).</summary>
    private static CollectionError? Walk(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (Problem(JsonMarshal.GetRawUtf8PropertyName(property), "the name") is { } nameProblem)
                    {
                        var where = path.Length == 0 ? "at the top level" : $"in {path}";
                        return new CollectionError($"a property name {where} is not valid UTF-8 ({nameProblem})", path);
                    }
                    if (IsValid(JsonMarshal.GetRawUtf8Value(property.Value))) continue;
                    return Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}");
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (!IsValid(JsonMarshal.GetRawUtf8Value(item)))
                        return Walk(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]"));
                    index++;
                }
                return null;
            case JsonValueKind.String:
                return StringProblem(element) is { } problem
                    ? new CollectionError($"{(path.Length == 0 ? "the value" : path)} is not valid UTF-8 ({problem})", path)
                    : null;
            default:
                return null;
        }
    }
}
