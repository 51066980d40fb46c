using System.Diagnostics.Metrics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Journey.Domain.Customers;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>
/// The store ports on Azure Cosmos DB: the <c>customers</c>, <c>transitions</c> and <c>deadletter</c>
/// containers of <see cref="CosmosContainers"/>, with the same semantics as the SQLite store (the
/// contract tests run against both).
/// </summary>
/// <remarks>
/// Documents go through the SDK's stream APIs as the bytes <see cref="JourneyJson"/> writes, so they
/// are identical to the SQLite store's and a 404 or 412 is a status code, not an exception. Optimistic
/// concurrency uses the documents' ETags (If-Match). Throttling (429) is retried by the SDK. A document
/// the account refuses for its content (413, a 400 on a write, an id Cosmos DB cannot hold) becomes a
/// <see cref="DocumentRejectedException"/>; every other failure (any other status, a timeout, a lost
/// connection) a <see cref="StoreUnavailableException"/> naming the container and id, since the same
/// request may succeed later, or may already have been applied. Every response's request charge is added to
/// <see cref="RequestCharges"/>, logged at Debug and published on the meter <see cref="MeterName"/>.
/// Thread-safe.
/// </remarks>
public sealed partial class CosmosJourneyStore : ICustomerStore, ITransitionStore, IDeadLetterStore, IStoreHealth, IDisposable
{
    /// <summary>The <see cref="Meter"/> publishing the request units the store consumes.</summary>
    public const string MeterName = "Journey.Store.Cosmos";

    /// <summary>Counter of request units, tagged with the container and the operation.</summary>
    public const string RequestChargeInstrument = "journey.store.request_charge";

    private static readonly Meter StoreMeter = new(MeterName);
    private static readonly Counter<double> RequestUnits =
        StoreMeter.CreateCounter<double>(RequestChargeInstrument, "RU", "Request units charged by Cosmos DB.");

    private readonly CosmosClient _client;
    private readonly bool _ownsClient;
    private readonly CosmosStoreOptions _options;
    private readonly ILogger<CosmosJourneyStore> _logger;
    private readonly Container _customers;
    private readonly Container _transitions;
    private readonly Container _deadLetters;

    /// <summary>A store over <paramref name="client"/> (not disposed with the store).</summary>
    public CosmosJourneyStore(CosmosClient client, CosmosStoreOptions options, ILogger<CosmosJourneyStore> logger, RequestChargeMeter? requestCharges = null)
        : this(client, ownsClient: false, options, logger, requestCharges)
    {
    }

    /// <summary>A store with its own client from <see cref="CreateClient"/> (disposed with the store).</summary>
    public CosmosJourneyStore(CosmosStoreOptions options, ILogger<CosmosJourneyStore> logger, RequestChargeMeter? requestCharges = null)
        : this(CreateClient(options), ownsClient: true, options, logger, requestCharges)
    {
    }

    /// <summary>
    /// A store with its own client from <see cref="CreateClient"/> (disposed with the store), authenticated
    /// with <paramref name="credential"/> (the app's one credential) when the options name an account
    /// endpoint rather than a connection string.
    /// </summary>
    public CosmosJourneyStore(CosmosStoreOptions options, Azure.Core.TokenCredential? credential, ILogger<CosmosJourneyStore> logger, RequestChargeMeter? requestCharges = null)
        : this(CreateClient(options, configure: null, credential), ownsClient: true, options, logger, requestCharges)
    {
    }

    private CosmosJourneyStore(CosmosClient client, bool ownsClient, CosmosStoreOptions options, ILogger<CosmosJourneyStore> logger, RequestChargeMeter? requestCharges)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ThrowIfInvalid(options, checkConnection: false);
        _client = client;
        _ownsClient = ownsClient;
        _options = options;
        _logger = logger;
        RequestCharges = requestCharges ?? new RequestChargeMeter();
        _customers = client.GetContainer(options.DatabaseName, options.CustomersContainer);
        _transitions = client.GetContainer(options.DatabaseName, options.TransitionsContainer);
        _deadLetters = client.GetContainer(options.DatabaseName, options.DeadLetterContainer);
    }

    /// <summary>The request units this store has consumed (read it per batch with a scope or a snapshot).</summary>
    public RequestChargeMeter RequestCharges { get; }

    /// <summary>Request units consumed since the meter was created or last reset.</summary>
    public double TotalRequestCharge => RequestCharges.TotalRequestCharge;

    /// <summary>The client the store uses.</summary>
    public CosmosClient Client => _client;

    public CosmosStoreOptions Options => _options;

    /// <summary>One of Journey's containers under its configured name (e.g. for the metrics and pain-point writers).</summary>
    public Container GetContainer(CosmosContainerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        foreach (var (known, name) in _options.Containers)
        {
            if (known == definition) return _client.GetContainer(_options.DatabaseName, name);
        }
        throw new ArgumentException($"The container {definition.Name} is not one of {nameof(CosmosContainers)}.", nameof(definition));
    }

    // ---- client ----

    /// <summary>
    /// The client options for <paramref name="options"/>: Direct mode for real accounts (unless
    /// <see cref="CosmosStoreOptions.GatewayMode"/>); Gateway mode
    /// limited to the endpoint for an endpoint on loopback (emulator, test server); no content echoed
    /// on writes; Journey's serializer; the 429 retry budget. Certificate validation is the platform's.
    /// </summary>
    public static CosmosClientOptions CreateClientOptions(CosmosStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loopback = options.GatewayModeForLoopback && options.IsLoopback;
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = options.ApplicationName,
            ConnectionMode = loopback || options.GatewayMode ? ConnectionMode.Gateway : ConnectionMode.Direct,
            LimitToEndpoint = loopback,
            EnableContentResponseOnWrite = false,
            Serializer = new CosmosJourneySerializer(),
            MaxRetryAttemptsOnRateLimitedRequests = options.MaxRetryAttemptsOnRateLimitedRequests,
            MaxRetryWaitTimeOnRateLimitedRequests = options.MaxRetryWaitTimeOnRateLimitedRequests,
        };
        if (options.RequestTimeout is { } timeout) clientOptions.RequestTimeout = timeout;
        return clientOptions;
    }

    /// <summary>
    /// A CosmosClient for <paramref name="options"/>: with the connection string when set, else with
    /// Entra: <paramref name="credential"/>, or a ManagedIdentityCredential for
    /// <see cref="CosmosStoreOptions.ManagedIdentityClientId"/>, or DefaultAzureCredential.
    /// <paramref name="configure"/> may adjust the client options (tests use it for the HTTP stack).
    /// </summary>
    public static CosmosClient CreateClient(CosmosStoreOptions options, Action<CosmosClientOptions>? configure = null, Azure.Core.TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(options, checkConnection: true);
        var clientOptions = CreateClientOptions(options);
        configure?.Invoke(clientOptions);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString)) return new CosmosClient(options.ConnectionString, clientOptions);
        credential ??= string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new Azure.Identity.DefaultAzureCredential()
            : new Azure.Identity.ManagedIdentityCredential(Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
        return new CosmosClient(options.Endpoint!.AbsoluteUri, credential, clientOptions);
    }

    // ---- set-up ----

    /// <summary>
    /// Makes sure the database and the containers exist with the partition keys of
    /// <see cref="CosmosContainers"/>, creating what is missing (with <see cref="CosmosStoreOptions.CreateIfMissing"/>;
    /// an Entra identity with data-plane roles cannot create them, infra/ does). Safe to call again.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = _client.GetDatabase(_options.DatabaseName);
        using (var read = await SendAsync("ReadDatabase", "-", _options.DatabaseName, ct => database.ReadStreamAsync(cancellationToken: ct), cancellationToken))
        {
            if (read.StatusCode == HttpStatusCode.NotFound)
            {
                if (!_options.CreateIfMissing) throw Missing($"database '{_options.DatabaseName}'");
                var properties = new DatabaseProperties(_options.DatabaseName);
                using var created = await SendAsync("CreateDatabase", "-", _options.DatabaseName,
                    ct => _client.CreateDatabaseStreamAsync(properties, _options.DatabaseThroughput, cancellationToken: ct), cancellationToken);
                if (created.StatusCode != HttpStatusCode.Conflict) EnsureSuccess(created, "CreateDatabase", "-", _options.DatabaseName);
                _logger.DatabaseCreated(_options.DatabaseName);
            }
            else
            {
                EnsureSuccess(read, "ReadDatabase", "-", _options.DatabaseName);
            }
        }

        foreach (var (definition, name) in _options.Containers)
            await EnsureContainerAsync(database, definition, name, cancellationToken);
    }

    private async Task EnsureContainerAsync(Database database, CosmosContainerDefinition definition, string name, CancellationToken cancellationToken)
    {
        var container = database.GetContainer(name);
        string? existingPartitionKeyPath = null;
        using (var read = await SendAsync("ReadContainer", name, "-", ct => container.ReadContainerStreamAsync(cancellationToken: ct), cancellationToken))
        {
            if (read.StatusCode != HttpStatusCode.NotFound)
            {
                EnsureSuccess(read, "ReadContainer", name, "-");
                existingPartitionKeyPath = await ReadPartitionKeyPathAsync(read.Content, cancellationToken);
            }
        }
        if (existingPartitionKeyPath is null)
        {
            if (!_options.CreateIfMissing) throw Missing($"container '{name}' in database '{_options.DatabaseName}'");
            using var created = await SendAsync("CreateContainer", name, "-",
                ct => database.CreateContainerStreamAsync(definition.ToContainerProperties(name), throughput: null, cancellationToken: ct), cancellationToken);
            if (created.StatusCode == HttpStatusCode.Conflict)
            {
                // Created concurrently by another instance: verify it like an existing one.
                await EnsureContainerAsync(database, definition, name, cancellationToken);
                return;
            }
            EnsureSuccess(created, "CreateContainer", name, "-");
            _logger.ContainerCreated(name, definition.PartitionKeyPath);
            return;
        }
        if (!string.Equals(existingPartitionKeyPath, definition.PartitionKeyPath, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The Cosmos DB container '{name}' is partitioned by '{existingPartitionKeyPath}', but Journey needs '{definition.PartitionKeyPath}'. " +
                "A partition key cannot be changed: recreate the container (or point the options at another one).");
        }
    }

    /// <summary>The first partition key path of a container's properties; empty when it has none.</summary>
    private static async Task<string> ReadPartitionKeyPathAsync(System.IO.Stream content, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(content, default, cancellationToken);
        return json.RootElement.TryGetProperty("partitionKey", out var key)
               && key.TryGetProperty("paths", out var paths)
               && paths.ValueKind == JsonValueKind.Array
               && paths.GetArrayLength() > 0
            ? paths[0].GetString() ?? ""
            : "";
    }

    private InvalidOperationException Missing(string what) => new(
        $"The Cosmos DB {what} does not exist and {nameof(CosmosStoreOptions)}.{nameof(CosmosStoreOptions.CreateIfMissing)} is off. " +
        "Provision it with infra/ (azd up), or let the store create it.");

    // ---- customers ----

    public async Task<Versioned<CustomerDocument>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfInvalidId(id, nameof(id));
        using var response = await SendAsync("Read", _customers.Id, id,
            ct => _customers.ReadItemStreamAsync(id, new PartitionKey(id), cancellationToken: ct), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return null;
        EnsureSuccess(response, "Read", _customers.Id, id);
        var document = await JsonSerializer.DeserializeAsync<CustomerDocument>(response.Content, JourneyJson.Options, cancellationToken)
                       ?? throw new JsonException($"The customer document {id} is null.");
        return new Versioned<CustomerDocument>(document, response.Headers.ETag);
    }

    /// <summary>
    /// A point read with <c>If-None-Match</c>: 304 Not Modified (no document comes back) when the ETag is
    /// still <paramref name="etag"/>; a server that answers 200 anyway is judged by the ETag it returns.
    /// </summary>
    public async Task<bool> IsCurrentAsync(string id, string etag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfInvalidId(id, nameof(id));
        ArgumentNullException.ThrowIfNull(etag);
        var options = new ItemRequestOptions { IfNoneMatchEtag = etag };
        using var response = await SendAsync("ReadIfChanged", _customers.Id, id,
            ct => _customers.ReadItemStreamAsync(id, new PartitionKey(id), options, ct), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified) return true;
        if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return false;
        EnsureSuccess(response, "ReadIfChanged", _customers.Id, id);
        return response.Headers.ETag == etag;
    }

    public async Task<string> CreateAsync(CustomerDocument document, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(document);
        var id = document.Id;
        ThrowIfInvalidId(id, nameof(document) + ".Id");
        using var body = new MemoryStream(JourneyJson.SerializeToUtf8(document), writable: false);
        using var response = await SendAsync("Create", _customers.Id, id,
            ct => _customers.CreateItemStreamAsync(body, new PartitionKey(id), NoContentOnWrite(), ct), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict) throw new ConcurrencyConflictException($"Customer {id} already exists.");
        EnsureSuccess(response, "Create", _customers.Id, id);
        return response.Headers.ETag;
    }

    public async Task<string> ReplaceAsync(CustomerDocument document, string ifMatch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(ifMatch);
        var id = document.Id;
        ThrowIfInvalidId(id, nameof(document) + ".Id");
        var options = new ItemRequestOptions { IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false };
        using var body = new MemoryStream(JourneyJson.SerializeToUtf8(document), writable: false);
        using var response = await SendAsync("Replace", _customers.Id, id,
            ct => _customers.ReplaceItemStreamAsync(body, id, new PartitionKey(id), options, ct), cancellationToken);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed || (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)))
            throw new ConcurrencyConflictException($"Customer {id} was changed or deleted since it was read (ETag {ifMatch}).");
        EnsureSuccess(response, "Replace", _customers.Id, id);
        return response.Headers.ETag;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfInvalidId(id, nameof(id));
        using var response = await SendAsync("Delete", _customers.Id, id,
            ct => _customers.DeleteItemStreamAsync(id, new PartitionKey(id), cancellationToken: ct), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return false;
        EnsureSuccess(response, "Delete", _customers.Id, id);
        return true;
    }

    /// <summary>
    /// Every customer document without the processor's state, a page (<see cref="CosmosStoreOptions.ScanPageSize"/>)
    /// at a time: the container's read feed (what <c>SELECT * FROM c</c> returns, without a query plan or
    /// the query engine: the cheapest full read, in the stable order of the documents' resource ids, so a
    /// document replaced during the scan is not seen twice).
    /// </summary>
    public async IAsyncEnumerable<CustomerDocument> ScanProjectionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var requestOptions = new QueryRequestOptions { MaxItemCount = _options.ScanPageSize };
        using var iterator = _customers.GetItemQueryStreamIterator(queryDefinition: null, continuationToken: null, requestOptions);
        while (iterator.HasMoreResults)
        {
            var page = await ReadPageAsync(iterator, "ScanProjections", _customers.Id, "*", cancellationToken,
                static e => e.Deserialize(JourneyJson.CustomerProjection) ?? throw new JsonException("A null customer document."));
            foreach (var document in page) yield return document;
        }
    }

    // ---- transitions ----

    /// <summary>Upserts each transition in its customer's partition, a bounded number at a time (no transactional batch: a replay just upserts again).</summary>
    public async Task UpsertAsync(IReadOnlyCollection<TransitionDocument> transitions, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(transitions);
        foreach (var t in transitions)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(transitions));
            ThrowIfInvalidId(t.Id, "transition.Id");
            ArgumentException.ThrowIfNullOrEmpty(t.CustomerId, "transition.CustomerId");
        }
        await ForEachBoundedAsync(transitions, async (t, ct) =>
        {
            using var body = new MemoryStream(JourneyJson.SerializeToUtf8(t), writable: false);
            using var response = await SendAsync("Upsert", _transitions.Id, t.Id,
                c => _transitions.UpsertItemStreamAsync(body, new PartitionKey(t.CustomerId), NoContentOnWrite(), c), ct);
            EnsureSuccess(response, "Upsert", _transitions.Id, t.Id);
        }, cancellationToken);
    }

    /// <summary>The customer's transitions (a single-partition query), ordered by event time, then id.</summary>
    public async Task<IReadOnlyList<TransitionDocument>> ListTransitionsAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(customerId);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.customerId = @customerId").WithParameter("@customerId", customerId);
        var transitions = await QueryPartitionAsync<TransitionDocument>(_transitions, query, customerId, "ListTransitions", cancellationToken);
        // Ordered here, not with ORDER BY: "at" keeps its offset, so text order is not time order.
        transitions.Sort(static (a, b) =>
        {
            var byTime = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
        });
        return transitions;
    }

    Task<IReadOnlyList<TransitionDocument>> ITransitionStore.ListAsync(string customerId, CancellationToken cancellationToken) =>
        ListTransitionsAsync(customerId, cancellationToken);

    /// <summary>Deletes these transitions of the customer, one point delete each (a missing one is skipped).</summary>
    public async Task DeleteAsync(string customerId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(ids);
        await ForEachBoundedAsync(ids, async (id, ct) =>
        {
            using var response = await SendAsync("Delete", _transitions.Id, id,
                c => _transitions.DeleteItemStreamAsync(id, new PartitionKey(customerId), cancellationToken: c), ct);
            if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)) return;
            EnsureSuccess(response, "Delete", _transitions.Id, id);
        }, cancellationToken);
    }

    /// <summary>Deletes the customer's transitions: the ids from a single-partition query, then one delete each.</summary>
    public async Task DeleteAllAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(customerId);
        var query = new QueryDefinition("SELECT c.id FROM c WHERE c.customerId = @customerId").WithParameter("@customerId", customerId);
        var ids = await QueryPartitionAsync(_transitions, query, customerId, "ListTransitionIds", cancellationToken, static e => e.GetProperty("id").GetString()!);
        await DeleteAsync(customerId, ids, cancellationToken);
    }

    // ---- dead letters ----

    public async Task AddAsync(DeadLetterDocument document, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(document);
        ThrowIfInvalidId(document.Id, nameof(document) + ".Id");
        ArgumentException.ThrowIfNullOrEmpty(document.Day, nameof(document) + ".Day");
        using var body = new MemoryStream(JourneyJson.SerializeToUtf8(document), writable: false);
        using var response = await SendAsync("Upsert", _deadLetters.Id, document.Id,
            ct => _deadLetters.UpsertItemStreamAsync(body, new PartitionKey(document.Day), NoContentOnWrite(), ct), cancellationToken);
        EnsureSuccess(response, "Upsert", _deadLetters.Id, document.Id);
    }

    /// <summary>The dead letters of one UTC day (a single-partition query), ordered by time, then stream partition and sequence number.</summary>
    public async Task<IReadOnlyList<DeadLetterDocument>> ListDeadLettersAsync(string day, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(day);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.day = @day").WithParameter("@day", day);
        var letters = await QueryPartitionAsync<DeadLetterDocument>(_deadLetters, query, day, "ListDeadLetters", cancellationToken);
        letters.Sort(static (a, b) =>
        {
            var c = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
            if (c == 0) c = string.CompareOrdinal(a.Partition, b.Partition);
            return c != 0 ? c : a.SequenceNumber.CompareTo(b.SequenceNumber);
        });
        return letters;
    }

    Task<IReadOnlyList<DeadLetterDocument>> IDeadLetterStore.ListAsync(string day, CancellationToken cancellationToken) =>
        ListDeadLettersAsync(day, cancellationToken);

    // ---- health ----

    /// <summary>True when the account answers and the customers container can be read.</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var response = await SendAsync("ReadContainer", _customers.Id, "-", ct => _customers.ReadContainerStreamAsync(cancellationToken: ct), cancellationToken);
            if (response.IsSuccessStatusCode) return true;
            _logger.ContainerNotReachableStatus(_customers.Id, (int)response.StatusCode);
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            _logger.ContainerNotReachable(ex, _customers.Id);
            return false;
        }
    }

    // ---- lifetime ----

    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }

    // ---- internals ----

    /// <summary>
    /// Runs one SDK call and counts and logs its request charge. What the SDK throws becomes a
    /// <see cref="StoreUnavailableException"/> (any status, a timeout, a connection that failed or
    /// dropped: the request may succeed later, or may even have been applied with its answer lost),
    /// except a 413 (<see cref="DocumentRejectedException"/>). Cancellation by the caller stays one.
    /// </summary>
    private async Task<ResponseMessage> SendAsync(string operation, string container, string id, Func<CancellationToken, Task<ResponseMessage>> call, CancellationToken cancellationToken)
    {
        ResponseMessage response;
        try
        {
            response = await call(cancellationToken);
        }
        catch (CosmosException ex)
        {
            RecordCharge(operation, container, id, ex.RequestCharge);
            var status = $"{(int)ex.StatusCode} {ex.StatusCode} (sub-status {ex.SubStatusCode})";
            if (ex.StatusCode == HttpStatusCode.RequestEntityTooLarge) throw Rejected(operation, container, id, status, ex);
            throw Unavailable(operation, container, id, status, ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw Unavailable(operation, container, id, "the request timed out", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Unavailable(operation, container, id, "the account could not be reached, or the connection dropped: " + ex.Message, ex);
        }
        RecordCharge(operation, container, id, response.Headers.RequestCharge);
        return response;
    }

    private void RecordCharge(string operation, string container, string id, double requestCharge)
    {
        RequestCharges.Add(requestCharge);
        RequestUnits.Add(requestCharge, new KeyValuePair<string, object?>("container", container), new KeyValuePair<string, object?>("operation", operation));
        _logger.RequestCharge(operation, container, id, requestCharge);
    }

    /// <summary>
    /// Throws for a failed response. A document the account refuses for its content (413 too large,
    /// 400 on a write) is <see cref="DocumentRejectedException"/>: sending it again fails again. Every
    /// other failure (throttling beyond the SDK's retries, 5xx, a status Journey does not know, a
    /// missing container) is <see cref="StoreUnavailableException"/>: the batch is delivered again and
    /// the partition waits for the store rather than lose events.
    /// </summary>
    private void EnsureSuccess(ResponseMessage response, string operation, string container, string id)
    {
        if (response.IsSuccessStatusCode) return;
        var status = $"{(int)response.StatusCode} {response.StatusCode} (sub-status {SubStatus(response)})";
        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge || (response.StatusCode == HttpStatusCode.BadRequest && IsWrite(operation)))
            throw Rejected(operation, container, id, $"{status}: {response.ErrorMessage}", AsException(response));
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw Unavailable(operation, container, id, $"{status}: the database '{_options.DatabaseName}' or container '{container}' does not exist (run InitializeAsync or provision infra/)", AsException(response));
        throw Unavailable(operation, container, id, status, AsException(response));
    }

    private static bool IsWrite(string operation) => operation is "Create" or "Replace" or "Upsert" or "Patch";

    /// <summary>The SDK's exception for a failed response (with its diagnostics), as the inner exception of ours.</summary>
    private static CosmosException? AsException(ResponseMessage response)
    {
        try
        {
            response.EnsureSuccessStatusCode();
            return null;
        }
        catch (CosmosException ex)
        {
            return ex;
        }
    }

    private static StoreUnavailableException Unavailable(string operation, string container, string id, string reason, Exception? inner) =>
        new($"Cosmos DB {operation} of {container}/{id} failed: {reason}. The store is unavailable or its answer was lost; retry later.", inner);

    private static DocumentRejectedException Rejected(string operation, string container, string id, string reason, Exception? inner) =>
        new($"Cosmos DB refused the document {container}/{id} ({operation}): {reason}.", inner);

    /// <summary>Write options without the document echoed back (the client default too; repeated for callers that bring their own client).</summary>
    private static ItemRequestOptions NoContentOnWrite() => new() { EnableContentResponseOnWrite = false };

    /// <summary>A 404 about the container or database (sub-status 1003, owner resource not found) rather than the item.</summary>
    private static bool IsContainerMissing(ResponseMessage response) => SubStatus(response) == "1003";

    private static string SubStatus(ResponseMessage response) => response.Headers["x-ms-substatus"] ?? "0";

    private async Task<List<T>> ReadPageAsync<T>(FeedIterator iterator, string operation, string container, string key, CancellationToken cancellationToken, Func<JsonElement, T>? read = null)
    {
        using var response = await SendAsync(operation, container, key, iterator.ReadNextAsync, cancellationToken);
        EnsureSuccess(response, operation, container, key);
        var items = new List<T>();
        if (response.Content is null) return items;
        using var json = await JsonDocument.ParseAsync(response.Content, default, cancellationToken);
        if (!json.RootElement.TryGetProperty("Documents", out var documents) || documents.ValueKind != JsonValueKind.Array)
            throw new JsonException($"A query page of {container} has no Documents array.");
        foreach (var element in documents.EnumerateArray())
            items.Add(read is null ? element.Deserialize<T>(JourneyJson.Options) ?? throw new JsonException($"A null document in {container}.") : read(element));
        return items;
    }

    private async Task<List<T>> QueryPartitionAsync<T>(Container container, QueryDefinition query, string partitionKey, string operation, CancellationToken cancellationToken, Func<JsonElement, T>? read = null)
    {
        // The WHERE clause names the partition key too: the partition key option scopes the query on
        // Cosmos DB, and servers that ignore it still return only that partition's documents.
        var requestOptions = new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey), MaxItemCount = _options.ScanPageSize };
        using var iterator = container.GetItemQueryStreamIterator(query, continuationToken: null, requestOptions);
        var all = new List<T>();
        while (iterator.HasMoreResults)
            all.AddRange(await ReadPageAsync(iterator, operation, container.Id, partitionKey, cancellationToken, read));
        return all;
    }

    private async Task ForEachBoundedAsync<T>(IReadOnlyCollection<T> items, Func<T, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        if (items.Count == 0) return;
        if (items.Count == 1)
        {
            await body(items.First(), cancellationToken);
            return;
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelWrites, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(items, parallel, async (item, ct) => await body(item, ct));
    }

    /// <summary>
    /// Cosmos DB ids may not contain '/', '\\', '?' or '#' and are at most 1,023 bytes: such an id can
    /// never be stored or read, so say so (<see cref="DocumentRejectedException"/>) rather than fail obscurely.
    /// </summary>
    private static void ThrowIfInvalidId(string id, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(id, parameter);
        if (id.AsSpan().IndexOfAny("/\\?#") >= 0)
            throw new DocumentRejectedException($"The id '{id}' cannot be stored in Cosmos DB: ids may not contain '/', '\\', '?' or '#'.");
        if (Encoding.UTF8.GetByteCount(id) > 1023)
            throw new DocumentRejectedException($"The id '{id[..40]}…' cannot be stored in Cosmos DB: ids are at most 1023 bytes.");
    }

    private static void ThrowIfInvalid(CosmosStoreOptions options, bool checkConnection)
    {
        var errors = options.Validate(includeConnection: checkConnection);
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
    }
}
