using System.Text.Json;

namespace Journey.Functions.Invocations;

/// <summary>
/// The Azure Functions host's invocation payload for a non-HTTP function of a custom handler:
/// <c>{"Data": {binding: value}, "Metadata": {trigger metadata}}</c>. Arrays (the batch and the
/// <c>*Array</c> metadata) may arrive as JSON or as strings holding JSON; both are read.
/// </summary>
public sealed class HostInvocation
{
    private HostInvocation(JsonElement data, JsonElement metadata)
    {
        Data = data;
        Metadata = metadata;
    }

    public JsonElement Data { get; }
    public JsonElement Metadata { get; }

    public static HostInvocation Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new InvocationFormatException("The invocation body is not a JSON object.");
        var data = root.TryGetProperty(nameof(Data), out var d) ? d : default;
        var metadata = root.TryGetProperty(nameof(Metadata), out var m) ? m : default;
        return new HostInvocation(data, metadata);
    }

    /// <summary>The value of a binding in <c>Data</c>, decoded when it is a string holding JSON.</summary>
    public JsonElement? Binding(string name) => Decode(Get(Data, name));

    /// <summary>A metadata value, decoded when it is a string holding JSON.</summary>
    public JsonElement? Meta(string name) => Decode(Get(Metadata, name));

    /// <summary>The host's time of the invocation (<c>Metadata.sys.UtcNow</c>), or null when the payload has none.</summary>
    public DateTimeOffset? ScheduledTime() =>
        Meta("sys") is { ValueKind: JsonValueKind.Object } sys && Get(sys, "UtcNow") is { ValueKind: JsonValueKind.String } now
            && DateTimeOffset.TryParse(now.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    /// <summary>A metadata array (e.g. <c>SequenceNumberArray</c>), in either encoding; null when absent.</summary>
    public IReadOnlyList<JsonElement>? MetaArray(string name) =>
        Meta(name) is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray()] : null;

    private static JsonElement? Get(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object) return null;
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        }
        return null;
    }

    /// <summary>A string that holds a JSON array or object is parsed; anything else is returned as is.</summary>
    public static JsonElement? Decode(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.String } s) return value;
        var text = s.GetString()!;
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '[' && trimmed[0] != '{')) return value;
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return value;
        }
    }
}

/// <summary>The invocation payload does not have the shape the host sends.</summary>
public sealed class InvocationFormatException(string message) : Exception(message);

/// <summary>The custom handler's answer: <c>{"Outputs": {}, "Logs": [...], "ReturnValue": null}</c>.</summary>
public sealed record InvocationResult(IReadOnlyDictionary<string, object?> Outputs, IReadOnlyList<string> Logs, object? ReturnValue)
{
    public static InvocationResult WithLogs(params string[] logs) => new(new Dictionary<string, object?>(), logs, null);
}
