using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Journey.Domain.Serialization;
using Microsoft.Azure.Cosmos;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>
/// The CosmosClient's serializer: System.Text.Json with <see cref="JourneyJson"/>'s options, so that
/// whatever the SDK serializes for Journey (typed items, query parameters) has the same shape as the
/// documents the store writes through the stream APIs. Types outside Journey's source-generated
/// context (query parameter values, anonymous projections) fall back to reflection metadata.
/// </summary>
public sealed class CosmosJourneySerializer : CosmosSerializer
{
    private static readonly JsonSerializerOptions SerializerOptions = CreateOptions();

    /// <summary>The options used: JourneyJson's, with a reflection fallback for other types.</summary>
    public static JsonSerializerOptions Options => SerializerOptions;

    public override T FromStream<T>(System.IO.Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (typeof(System.IO.Stream).IsAssignableFrom(typeof(T))) return (T)(object)stream;
        using (stream)
        {
            if (stream.CanSeek && stream.Length == 0) return default!;
            return JsonSerializer.Deserialize<T>(stream, SerializerOptions)!;
        }
    }

    public override System.IO.Stream ToStream<T>(T input)
    {
        var stream = new MemoryStream();
        JsonSerializer.Serialize(stream, input, SerializerOptions);
        stream.Position = 0;
        return stream;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JourneyJson.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(JourneyJson.Options.TypeInfoResolver, new DefaultJsonTypeInfoResolver()),
        };
        options.MakeReadOnly();
        return options;
    }
}
