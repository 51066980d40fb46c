using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Security;
using System.Text.RegularExpressions;
using Journey.Adapters.Store.Cosmos;
using Journey.Adapters.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Journey.Functions.Tests.Support;

/// <summary>
/// <c>@vercel/cosmosdb-server</c> (installed by tests/run.sh in tests/node) behind a small reverse
/// proxy, for an app that runs as a separate process (the published app started as a custom
/// handler, the Azure benchmark). The app is given <see cref="ConnectionString"/>, a plain-HTTP
/// endpoint on loopback, so it needs no trust in the server's self-signed certificate; the proxy
/// forwards each request over HTTPS pinned to that certificate, through the same fix-ups the
/// adapter contract tests use (<see cref="CosmosTestServerFixups"/>: a missing document's 500
/// becomes Cosmos DB's 404; numbers come back as written). The production adapter is unchanged.
/// The proxy also counts what goes through it by kind of operation, with the charges the server
/// reports (its fixed 1 RU a request) and the sizes of the documents written.
/// </summary>
public sealed partial class CosmosProxy : IAsyncDisposable
{
    /// <summary>The Cosmos DB emulator's well-known account key (the test server accepts any key).</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Content-Length",
    };

    private readonly ConcurrentDictionary<string, OperationTally> _tallies = new(StringComparer.Ordinal);
    private CosmosServerProcess? _server;
    private HttpMessageInvoker? _upstream;
    private WebApplication? _proxy;
    private Uri _serverEndpoint = null!;

    private CosmosProxy()
    {
    }

    /// <summary>The proxy's endpoint, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The connection string an app is given (<c>CosmosConnection</c>).</summary>
    public string ConnectionString => $"AccountEndpoint={Endpoint.AbsoluteUri};AccountKey={EmulatorKey};";

    /// <summary>What the server printed last, for failure messages.</summary>
    public string RecentOutput => _server?.RecentOutput ?? "";

    public static async Task<CosmosProxy> StartAsync()
    {
        var proxy = new CosmosProxy();
        try
        {
            await proxy.StartServerAsync();
            await proxy.StartProxyAsync();
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client built by the production factory for <paramref name="database"/>, through the proxy.</summary>
    public CosmosClient CreateClient(string database) => CosmosJourneyStore.CreateClient(Options(database));

    /// <summary>Store options for <paramref name="database"/> through the proxy.</summary>
    public CosmosStoreOptions Options(string database) => new() { ConnectionString = ConnectionString, DatabaseName = database };

    /// <summary>Operations that went through since the last reset, by kind (<c>read</c>, <c>query</c>, <c>create</c>, <c>upsert</c>, <c>replace</c>, <c>delete</c>, <c>other</c>) and container.</summary>
    public IReadOnlyList<OperationCount> Operations() =>
        [.. _tallies.Select(t => t.Value.Count(t.Key)).OrderBy(c => c.Container, StringComparer.Ordinal).ThenBy(c => c.Kind, StringComparer.Ordinal)];

    public void ResetCounts() => _tallies.Clear();

    private async Task StartServerAsync()
    {
        _server = await CosmosServerProcess.StartAsync(TimeSpan.FromSeconds(30));
        _serverEndpoint = _server.Endpoint;
        var transport = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = _server.IsServerCertificate },
        };
        _upstream = new HttpMessageInvoker(new CosmosTestServerFixups(new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal)) { InnerHandler = transport }, disposeHandler: true);
    }

    private async Task StartProxyAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 16 * 1024 * 1024);
        _proxy = builder.Build();
        _proxy.Run(ForwardAsync);
        await _proxy.StartAsync();
        var address = _proxy.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = new Uri(address.TrimEnd('/') + "/");

        // The server answers its root once it is up.
        using var probe = new HttpClient { BaseAddress = Endpoint, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var response = await probe.GetAsync("/");
                if (response.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline) throw new InvalidOperationException($"The Cosmos DB test server does not answer through the proxy:{Environment.NewLine}{RecentOutput}");
            await Task.Delay(100);
        }
        _tallies.Clear();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var target = new Uri(_serverEndpoint, request.Path.ToUriComponent() + request.QueryString.ToUriComponent());
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), target);
        byte[]? body = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            body = buffer.ToArray();
            forward.Content = new ByteArrayContent(body);
        }
        foreach (var header in request.Headers)
        {
            if (HopByHop.Contains(header.Key)) continue;
            if (!forward.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value))
                forward.Content?.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
        }

        using var response = await _upstream!.SendAsync(forward, context.RequestAborted);
        var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        Count(request, body, response, answer.Length);

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (HopByHop.Contains(header.Key)) continue;
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }
        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    private void Count(HttpRequest request, byte[]? body, HttpResponseMessage response, int answerBytes)
    {
        var path = DocumentsPath().Match(request.Path.Value ?? "");
        var container = path.Success ? Uri.UnescapeDataString(path.Groups["coll"].Value) : "-";
        var hasId = path.Success && path.Groups["id"].Success;
        var kind = !path.Success ? "other"
            : request.Method == HttpMethods.Get && hasId ? "read"
            : request.Method == HttpMethods.Get ? "readfeed"
            : request.Method == HttpMethods.Post && IsQuery(request) ? "query"
            : request.Method == HttpMethods.Post && string.Equals(request.Headers["x-ms-documentdb-is-upsert"], "True", StringComparison.OrdinalIgnoreCase) ? "upsert"
            : request.Method == HttpMethods.Post ? "create"
            : request.Method == HttpMethods.Put ? "replace"
            : request.Method == HttpMethods.Delete ? "delete"
            : "other";
        var charge = response.Headers.TryGetValues("x-ms-request-charge", out var values)
                     && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? c : 0;
        var isWrite = kind is "create" or "upsert" or "replace";
        var failed = (int)response.StatusCode >= 400;
        _tallies.GetOrAdd(container + "|" + kind, _ => new OperationTally()).Add(charge, isWrite && body is not null ? body.Length : 0, kind == "read" && !failed ? answerBytes : 0, failed);
    }

    private static bool IsQuery(HttpRequest request) =>
        string.Equals(request.Headers["x-ms-documentdb-isquery"], "True", StringComparison.OrdinalIgnoreCase)
        || (request.ContentType?.StartsWith("application/query+json", StringComparison.OrdinalIgnoreCase) ?? false);

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.StopAsync();
            await _proxy.DisposeAsync();
        }
        _upstream?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }

    [GeneratedRegex(@"^/dbs/(?<db>[^/]+)/colls/(?<coll>[^/]+)/docs(?:/(?<id>[^/]+))?/?$")]
    private static partial Regex DocumentsPath();

    private sealed class OperationTally
    {
        private long _count;
        private long _failed;
        private long _bytes;
        private long _bytesRead;
        private double _charge;
        private readonly Lock _lock = new();

        public void Add(double charge, int bytes, int bytesRead, bool failed)
        {
            lock (_lock)
            {
                _count++;
                _charge += charge;
                _bytes += bytes;
                _bytesRead += bytesRead;
                if (failed) _failed++;
            }
        }

        public OperationCount Count(string key)
        {
            var parts = key.Split('|');
            lock (_lock) return new OperationCount(parts[0], parts[1], _count, _failed, _charge, _bytes, _bytesRead);
        }
    }
}

/// <summary>How many operations of one kind on one container went through the proxy (failed ones: 4xx/5xx), their reported charge, the bytes written and the bytes point reads returned.</summary>
public sealed record OperationCount(string Container, string Kind, long Count, long Failed, double RequestCharge, long BytesWritten, long BytesRead);
