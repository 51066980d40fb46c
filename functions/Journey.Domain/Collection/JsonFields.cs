using System.Runtime.InteropServices;
using System.Text.Json;

namespace Journey.Domain.Collection;

/// <summary>Small readers over a message's JSON that treat null like a missing field.</summary>
internal static class JsonFields
{
    public static JsonElement? Get(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined
            ? value
            : null;

    public static JsonElement? GetObject(JsonElement? obj, string name) =>
        obj is { } o && Get(o, name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    /// <summary>A string that is not empty or whitespace; any other value is ignored.</summary>
    public static string? GetString(JsonElement? obj, string name) =>
        obj is { } o ? NonBlankString(Get(o, name)) : null;

    /// <summary>The value's text when it is a string that is not empty or whitespace; else null.</summary>
    public static string? NonBlankString(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.String } v && v.GetString() is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    /// <summary>The raw UTF-8 length of a parsed value, as the client sent it.</summary>
    public static int RawSize(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? 0 : JsonMarshal.GetRawUtf8Value(element).Length;

    /// <summary>"an array", "a number", ... for error messages.</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>A value quoted for an error message, shortened when long.</summary>
    public static string Quote(string? value)
    {
        if (value is null) return "null";
        return value.Length <= 60 ? $"'{value}'" : $"'{value[..57]}...'";
    }

    /// <summary>
    /// Parses an ISO 8601 date-time string (System.Text.Json's ISO 8601-1 profile). A time without
    /// an offset is taken as UTC, never as the server's local time.
    /// </summary>
    public static bool TryGetTime(JsonElement value, out DateTimeOffset time)
    {
        time = default;
        if (value.ValueKind != JsonValueKind.String || !value.TryGetDateTime(out var dateTime)) return false;
        if (dateTime.Kind == DateTimeKind.Unspecified)
        {
            time = new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc));
            return true;
        }
        return value.TryGetDateTimeOffset(out time);
    }
}
