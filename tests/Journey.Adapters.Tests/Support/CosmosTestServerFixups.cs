using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Journey.Adapters.Tests.Support;

/// <summary>
/// Makes the test server (<c>@vercel/cosmosdb-server</c>) answer like Cosmos DB where the two differ
/// in ways the store depends on. It sits in the test clients' HTTP pipeline only
/// (<see cref="CosmosTestServer"/>): the production adapter is written for Cosmos DB and never
/// sees these workarounds.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><b>A point read of a missing document</b>: the test server answers 500 (its read handler
/// dereferences the missing document, "TypeError: Cannot read properties of undefined"); Cosmos DB
/// answers 404 with sub-status 0. Exactly that answer is rewritten to Cosmos DB's; any other 500
/// passes through, so the adapter still treats 500 as an error.</item>
/// <item><b>Numbers as written</b>: Cosmos DB returns a document's numbers as they were written
/// (<c>100.00</c> stays <c>100.00</c>, which a C# decimal keeps as its scale); the test server parses
/// and re-serializes documents with JavaScript's JSON and returns <c>100</c>. The fix-up remembers the
/// body of each successful write and, in what reads, queries and read feeds return, puts back the
/// written text of every number whose value is unchanged at the same place in the document.
/// Nothing else of the answer is altered.</item>
/// </list>
/// </remarks>
/// <param name="written">The last successfully written body of each document, by database/container/id: shared by every client of one server.</param>
public sealed partial class CosmosTestServerFixups(ConcurrentDictionary<string, byte[]> written) : DelegatingHandler
{
    /// <summary>What the test server's 500 for a read of a missing document says.</summary>
    public const string MissingDocumentError = "Cannot read properties of undefined";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConcurrentDictionary<string, byte[]> _written = written;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        var document = DocumentPath().Match(path);
        var documents = document.Success ? Match.Empty : DocumentsPath().Match(path);
        var container = document.Success ? ContainerKey(document) : documents.Success ? ContainerKey(documents) : null;
        var isQuery = documents.Success && request.Method == HttpMethod.Post && IsQuery(request);
        var isWrite = request.Content is not null && !IsBatch(request)
                      && ((document.Success && request.Method == HttpMethod.Put) || (documents.Success && request.Method == HttpMethod.Post && !isQuery));
        var written = isWrite ? await request.Content!.ReadAsByteArrayAsync(cancellationToken) : null; // buffered: still sent whole

        var response = await base.SendAsync(request, cancellationToken);

        if (container is null) return response;
        if (written is not null && response.IsSuccessStatusCode) Remember(container, written);
        if (document.Success && request.Method == HttpMethod.Delete && response.IsSuccessStatusCode)
            _written.TryRemove(container + Uri.UnescapeDataString(document.Groups["id"].Value), out _);

        if (document.Success && request.Method == HttpMethod.Get && response.StatusCode == HttpStatusCode.InternalServerError)
            return await MissingDocumentAsNotFoundAsync(request, response, cancellationToken);

        var isRead = response.StatusCode == HttpStatusCode.OK
                     && ((document.Success && request.Method == HttpMethod.Get) || (documents.Success && (request.Method == HttpMethod.Get || isQuery)));
        if (isRead) await RestoreNumbersAsync(response, container, feed: !document.Success, cancellationToken);
        return response;
    }

    private static async Task<HttpResponseMessage> MissingDocumentAsNotFoundAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken); // buffered: still readable when passed on
        if (!body.Contains(MissingDocumentError, StringComparison.Ordinal)) return response;

        var notFound = new HttpResponseMessage(HttpStatusCode.NotFound)
        {
            RequestMessage = request,
            Content = new StringContent(
                """{"code":"NotFound","message":"Entity with the specified id does not exist in the system."}""",
                Encoding.UTF8,
                "application/json"),
        };
        foreach (var header in response.Headers) notFound.Headers.TryAddWithoutValidation(header.Key, header.Value);
        notFound.Headers.Remove("x-ms-substatus");
        notFound.Headers.TryAddWithoutValidation("x-ms-substatus", "0");
        response.Dispose();
        return notFound;
    }

    private void Remember(string container, byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String)
            {
                _written[container + id.GetString()] = body;
            }
        }
        catch (JsonException)
        {
            // Not a document: nothing to remember.
        }
    }

    private async Task RestoreNumbersAsync(HttpResponseMessage response, string container, bool feed, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        byte[] restored;
        try
        {
            using var json = JsonDocument.Parse(body);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                if (feed) WriteFeed(json.RootElement, container, writer);
                else WriteDocument(json.RootElement, container, writer);
            }
            restored = buffer.ToArray();
        }
        catch (JsonException)
        {
            return;
        }
        var content = new ByteArrayContent(restored);
        foreach (var header in response.Content.Headers)
        {
            if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        content.Headers.ContentType ??= new MediaTypeHeaderValue("application/json");
        response.Content.Dispose();
        response.Content = content;
    }

    private void WriteFeed(JsonElement page, string container, Utf8JsonWriter writer)
    {
        if (page.ValueKind != JsonValueKind.Object)
        {
            page.WriteTo(writer);
            return;
        }
        writer.WriteStartObject();
        foreach (var property in page.EnumerateObject())
        {
            writer.WritePropertyName(property.Name);
            if (property.Name == "Documents" && property.Value.ValueKind == JsonValueKind.Array)
            {
                writer.WriteStartArray();
                foreach (var item in property.Value.EnumerateArray()) WriteDocument(item, container, writer);
                writer.WriteEndArray();
            }
            else
            {
                property.Value.WriteTo(writer);
            }
        }
        writer.WriteEndObject();
    }

    private void WriteDocument(JsonElement document, string container, Utf8JsonWriter writer)
    {
        if (document.ValueKind == JsonValueKind.Object
            && document.TryGetProperty("id", out var id)
            && id.ValueKind == JsonValueKind.String
            && _written.TryGetValue(container + id.GetString(), out var original))
        {
            using var written = JsonDocument.Parse(original);
            WriteMerged(document, written.RootElement, writer);
        }
        else
        {
            document.WriteTo(writer);
        }
    }

    /// <summary>Writes <paramref name="value"/>, with the written text of each number that has the same value at the same place in <paramref name="written"/>.</summary>
    private static void WriteMerged(JsonElement value, JsonElement written, Utf8JsonWriter writer)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when written.ValueKind == JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    if (written.TryGetProperty(property.Name, out var before)) WriteMerged(property.Value, before, writer);
                    else property.Value.WriteTo(writer);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array when written.ValueKind == JsonValueKind.Array && written.GetArrayLength() == value.GetArrayLength():
                writer.WriteStartArray();
                var i = 0;
                foreach (var item in value.EnumerateArray()) WriteMerged(item, written[i++], writer);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number when written.ValueKind == JsonValueKind.Number
                                           && value.TryGetDouble(out var now) && written.TryGetDouble(out var then) && now.Equals(then):
                writer.WriteRawValue(written.GetRawText(), skipInputValidation: true);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static string ContainerKey(Match match) =>
        Uri.UnescapeDataString(match.Groups["db"].Value) + "/" + Uri.UnescapeDataString(match.Groups["coll"].Value) + "/";

    private static bool IsQuery(HttpRequestMessage request) =>
        IsTrue(request, "x-ms-documentdb-isquery")
        || string.Equals(request.Content?.Headers.ContentType?.MediaType, "application/query+json", StringComparison.OrdinalIgnoreCase);

    private static bool IsBatch(HttpRequestMessage request) => IsTrue(request, "x-ms-cosmos-is-batch-request");

    private static bool IsTrue(HttpRequestMessage request, string header) =>
        request.Headers.TryGetValues(header, out var values) && values.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex("^/+dbs/(?<db>[^/]+)/colls/(?<coll>[^/]+)/docs/(?<id>[^/]+)/?$")]
    private static partial Regex DocumentPath();

    [GeneratedRegex("^/+dbs/(?<db>[^/]+)/colls/(?<coll>[^/]+)/docs/?$")]
    private static partial Regex DocumentsPath();
}
