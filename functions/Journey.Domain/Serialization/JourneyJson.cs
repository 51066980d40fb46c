using System.Text.Json;
using System.Text.Json.Serialization;

namespace Journey.Domain.Serialization;

/// <summary>
/// The one JSON shape of Journey's documents and stream records: camelCase names, enums as
/// strings, nulls left out. Adapters serialize with these options so that the documents are
/// the same in Cosmos DB and in the SQLite store.
/// </summary>
public static class JourneyJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            TypeInfoResolver = JourneyJsonContext.Default,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    public static byte[] SerializeToUtf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8, Options) ?? throw new JsonException($"The JSON is null where a {typeof(T).Name} was expected.");

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"The JSON is null where a {typeof(T).Name} was expected.");
}
