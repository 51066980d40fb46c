using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Journey.Domain.Customers;

namespace Journey.Domain.Serialization;

/// <summary>
/// The one JSON shape of Journey's documents and stream records: camelCase names, enums as
/// strings, nulls left out. Adapters serialize with these options so that the documents are
/// the same in Cosmos DB and in the SQLite store.
/// </summary>
public static class JourneyJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>
    /// A customer document without <c>journey</c> and <c>pendingMerge</c>: the reader skips those
    /// values without building them (see <see cref="Journey.Domain.Ports.ICustomerStore.ScanProjectionsAsync"/>).
    /// </summary>
    public static JsonTypeInfo<CustomerDocument> CustomerProjection { get; } = CreateCustomerProjection();

    private static JsonTypeInfo<CustomerDocument> CreateCustomerProjection()
    {
        var options = new JsonSerializerOptions(Options)
        {
            TypeInfoResolver = Options.TypeInfoResolver!.WithAddedModifier(static info =>
            {
                if (info.Type != typeof(CustomerDocument)) return;
                for (var i = info.Properties.Count - 1; i >= 0; i--)
                {
                    if (info.Properties[i].Name is "journey" or "pendingMerge") info.Properties.RemoveAt(i);
                }
            }),
        };
        options.MakeReadOnly();
        return (JsonTypeInfo<CustomerDocument>)options.GetTypeInfo(typeof(CustomerDocument));
    }

    public static CustomerDocument DeserializeCustomerProjection(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, CustomerProjection) ?? throw new JsonException("The customer document is null.");

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
