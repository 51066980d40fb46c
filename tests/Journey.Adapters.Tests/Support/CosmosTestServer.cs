using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using Journey.Adapters.Store.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Adapters.Tests.Support;

/// <summary>The Cosmos DB tests share one test server (<see cref="CosmosTestServer"/>) and run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class CosmosTestServerCollection : ICollectionFixture<CosmosTestServer>
{
    public const string Name = "Cosmos DB test server";
}

/// <summary>
/// Starts <c>@vercel/cosmosdb-server</c> (an in-memory Cosmos DB implementation, see
/// <see cref="CosmosServerProcess"/>), waits until it answers, and stops it at the end. It serves
/// HTTPS with the self-signed certificate shipped in the package; only the test clients accept it
/// (pinned to that exact certificate).
/// </summary>
/// <remarks>
/// What the test server does differently from Cosmos DB, where the store depends on it, is fixed up
/// in the test clients' HTTP pipeline (<see cref="CosmosTestServerFixups"/>: a missing document's
/// 500 becomes Cosmos DB's 404; numbers come back as written), never in the production adapter.
/// Left alone because the adapter does not use them: transactional batch and bulk (the server's batch
/// format is JSON, the SDK's binary), change feed, GROUP BY, OFFSET, TTL, and query plans (the SDK asks
/// the gateway for one before a cross-partition query; the server answers it as a query, so the
/// adapter scans with the read feed and queries single partitions only). The server ignores the
/// partition key of a query, so the adapter's partition queries also name the partition key in their
/// WHERE clause (valid, and free, on Cosmos DB). Every request is charged 1 RU.
/// </remarks>
public sealed class CosmosTestServer : IAsyncLifetime
{
    /// <summary>The Cosmos DB emulator's well-known account key (the test server accepts any key).</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    /// <summary>The database the shared store uses.</summary>
    public const string SharedDatabase = "journey-tests";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly List<IDisposable> _disposables = [];
    private readonly SemaphoreSlim _storeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, byte[]> _writtenDocuments = new(StringComparer.Ordinal);
    private CosmosServerProcess? _server;
    private SocketsHttpHandler? _transport;
    private CosmosJourneyStore? _sharedStore;

    /// <summary>The server's endpoint, <c>https://127.0.0.1:{port}/</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>A key-based connection string for the server, as a developer would set <c>CosmosConnection</c>.</summary>
    public string ConnectionString => $"AccountEndpoint={Endpoint.AbsoluteUri};AccountKey={EmulatorKey};";

    /// <summary>Store options for the server and <paramref name="database"/>.</summary>
    public CosmosStoreOptions Options(string database = SharedDatabase, Action<CosmosStoreOptions>? configure = null)
    {
        var options = new CosmosStoreOptions { ConnectionString = ConnectionString, DatabaseName = database };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>
    /// A client built by the production factory, plus the test HTTP pipeline (certificate pinning,
    /// <see cref="CosmosTestServerFixups"/>, and an optional <paramref name="fault"/> injector in front).
    /// The production options keep the platform's certificate validation; only this pipeline accepts
    /// the test server's self-signed certificate.
    /// </summary>
    public CosmosClient CreateClient(CosmosStoreOptions options, Func<HttpRequestMessage, HttpResponseMessage?>? fault = null) =>
        CreateClient(options, fault is null ? null : (request, send) => fault(request) is { } answer ? Task.FromResult(answer) : send());

    /// <summary>
    /// A client whose every request goes through <paramref name="around"/>, which may answer it itself,
    /// forward it (the second argument) and answer something else (the store applied it, the answer is
    /// lost), or throw: the fault-injecting proxy in front of the test server.
    /// </summary>
    public CosmosClient CreateClient(CosmosStoreOptions options, Func<HttpRequestMessage, Func<Task<HttpResponseMessage>>, Task<HttpResponseMessage>>? around)
    {
        var client = CosmosJourneyStore.CreateClient(options, clientOptions =>
            clientOptions.HttpClientFactory = () => new HttpClient(CreateHandlers(around), disposeHandler: true));
        lock (_disposables) _disposables.Add(client);
        return client;
    }

    /// <summary>A store over a new test client; <see cref="CosmosJourneyStore.InitializeAsync"/> is not called.</summary>
    public CosmosJourneyStore CreateStore(CosmosStoreOptions options, RequestChargeMeter? meter = null, Func<HttpRequestMessage, HttpResponseMessage?>? fault = null) =>
        Track(new CosmosJourneyStore(CreateClient(options, fault), options, NullLogger<CosmosJourneyStore>.Instance, meter));

    /// <summary>A store over a client whose requests go through <paramref name="around"/> (see <see cref="CreateClient(CosmosStoreOptions, Func{HttpRequestMessage, Func{Task{HttpResponseMessage}}, Task{HttpResponseMessage}}?)"/>).</summary>
    public CosmosJourneyStore CreateStore(CosmosStoreOptions options, Func<HttpRequestMessage, Func<Task<HttpResponseMessage>>, Task<HttpResponseMessage>> around) =>
        Track(new CosmosJourneyStore(CreateClient(options, around), options, NullLogger<CosmosJourneyStore>.Instance));

    private CosmosJourneyStore Track(CosmosJourneyStore store)
    {
        lock (_disposables) _disposables.Add(store);
        return store;
    }

    /// <summary>The store the contract tests share (database <see cref="SharedDatabase"/>, initialized once).</summary>
    public async Task<CosmosJourneyStore> GetSharedStoreAsync()
    {
        await _storeLock.WaitAsync();
        try
        {
            if (_sharedStore is null)
            {
                var store = CreateStore(Options());
                await store.InitializeAsync(CancellationToken.None);
                _sharedStore = store;
            }
            return _sharedStore;
        }
        finally
        {
            _storeLock.Release();
        }
    }

    /// <summary>The last lines the server printed, for failure messages.</summary>
    public string RecentOutput => _server?.RecentOutput ?? "";

    public async Task InitializeAsync()
    {
        _server = await CosmosServerProcess.StartAsync(StartTimeout);
        Endpoint = _server.Endpoint;
        _transport = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = _server.IsServerCertificate },
        };
        try
        {
            await WaitUntilAnsweringAsync();
        }
        catch
        {
            await _server.DisposeAsync();
            _server = null;
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        List<IDisposable> disposables;
        lock (_disposables) disposables = [.. _disposables];
        foreach (var disposable in disposables) disposable.Dispose();
        _transport?.Dispose();
        _storeLock.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }

    private HttpMessageHandler CreateHandlers(Func<HttpRequestMessage, Func<Task<HttpResponseMessage>>, Task<HttpResponseMessage>>? around)
    {
        HttpMessageHandler handler = new CosmosTestServerFixups(_writtenDocuments) { InnerHandler = new SharedTransport(_transport!) };
        if (around is not null) handler = new FaultInjector(around) { InnerHandler = handler };
        return handler;
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient(new SharedTransport(_transport!)) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(Endpoint);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline)
                throw new InvalidOperationException($"The Cosmos DB test server at {Endpoint} does not answer:{Environment.NewLine}{RecentOutput}");
            await Task.Delay(100);
        }
    }

    /// <summary>One connection pool for every test client; each client's pipeline ends here without disposing it.</summary>
    private sealed class SharedTransport(HttpMessageHandler transport) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _invoker = new(transport, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing) _invoker.Dispose(); // leaves the pool, which belongs to the fixture
            base.Dispose(disposing);
        }
    }

    /// <summary>Answers chosen requests itself (a 503, a thrown HttpRequestException…), before or after forwarding them, to test the adapter's error paths.</summary>
    private sealed class FaultInjector(Func<HttpRequestMessage, Func<Task<HttpResponseMessage>>, Task<HttpResponseMessage>> around) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await around(request, () => base.SendAsync(request, cancellationToken));
            response.RequestMessage ??= request;
            return response;
        }
    }
}
