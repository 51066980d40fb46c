using System.Collections.ObjectModel;
using Microsoft.Azure.Cosmos;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>
/// One Cosmos DB container of Journey: its default name, partition key path and indexing policy.
/// </summary>
/// <param name="Name">The container name (<see cref="CosmosStoreOptions"/> may rename it).</param>
/// <param name="PartitionKeyPath">The partition key path, e.g. <c>/customerId</c>.</param>
/// <param name="IncludedPaths">Indexed paths (consistent indexing).</param>
/// <param name="ExcludedPaths">Paths left out of the index: large arrays and the processor's own state.</param>
public sealed record CosmosContainerDefinition(
    string Name,
    string PartitionKeyPath,
    IReadOnlyList<string> IncludedPaths,
    IReadOnlyList<string> ExcludedPaths)
{
    /// <summary>The SDK's container properties for this definition, under <paramref name="name"/> (the default name when null).</summary>
    public ContainerProperties ToContainerProperties(string? name = null)
    {
        var properties = new ContainerProperties(name ?? Name, PartitionKeyPath)
        {
            IndexingPolicy = new IndexingPolicy { Automatic = true, IndexingMode = IndexingMode.Consistent },
        };
        foreach (var path in IncludedPaths) properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
        foreach (var path in ExcludedPaths) properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = path });
        return properties;
    }
}

/// <summary>
/// The containers of Journey's Cosmos DB database, defined once.
/// </summary>
/// <remarks>
/// KEEP IN SYNC WITH THE BICEP: infra/ creates the same containers (names, partition key paths and
/// indexing policies) because with Entra-only access (<c>disableLocalAuth</c>) the app's identity
/// cannot create them itself; a consistency test compares the two. Change both together.
/// <para>
/// Indexing serves the BI queries (filters and ORDER BY on the projection's scalar fields, stages,
/// acquisition, orders, lifecycle, predictions, counters) and leaves out what is large or never
/// filtered on, because every indexed term costs request units on each write: the processor's
/// state (<c>/journey</c>), order history, active days, free-form traits and a pending merge's copy
/// of a profile; the micro-conversion maps of transitions; the raw payload of dead letters.
/// Counters stay indexed: they hold one number per event kind (a few dozen terms), and "customers
/// with at least one X" is a common BI filter.
/// </para>
/// </remarks>
public static class CosmosContainers
{
    /// <summary>The system property excluded everywhere (as the portal does).</summary>
    public const string ETagPath = "/\"_etag\"/?";

    /// <summary><c>customers</c>, partitioned by <c>/id</c>: one document per customer.</summary>
    public static CosmosContainerDefinition Customers { get; } = new(
        "customers",
        "/id",
        IncludedPaths: ["/*"],
        ExcludedPaths:
        [
            "/journey/*",
            "/orders/history/*",
            "/activeDays/*",
            "/traits/*",
            "/pendingMerge/*",
            ETagPath,
        ]);

    /// <summary><c>transitions</c>, partitioned by <c>/customerId</c>: one document per stage change.</summary>
    public static CosmosContainerDefinition Transitions { get; } = new(
        "transitions",
        "/customerId",
        IncludedPaths: ["/*"],
        ExcludedPaths: ["/microConversions/*", ETagPath]);

    /// <summary>
    /// <c>metrics</c>, partitioned by <c>/kind</c>: one document per kind per day, read whole. Only
    /// the lookup fields are indexed; cohort matrices and distributions are not.
    /// </summary>
    public static CosmosContainerDefinition Metrics { get; } = new(
        "metrics",
        "/kind",
        IncludedPaths: ["/kind/?", "/date/?", "/type/?"],
        ExcludedPaths: ["/*", ETagPath]);

    /// <summary><c>painpoints</c>, partitioned by <c>/period</c>: small documents, filtered on most fields.</summary>
    public static CosmosContainerDefinition PainPoints { get; } = new(
        "painpoints",
        "/period",
        IncludedPaths: ["/*"],
        ExcludedPaths: [ETagPath]);

    /// <summary>
    /// <c>feedback</c>, partitioned by <c>/period</c> (the UTC month of the text): one item per redacted
    /// text, read a period at a time by the summarizer. The texts and the embedding (a base64 string) are
    /// never filtered on and are left out of the index.
    /// </summary>
    public static CosmosContainerDefinition Feedback { get; } = new(
        "feedback",
        "/period",
        IncludedPaths: ["/*"],
        ExcludedPaths: ["/text/?", "/title/?", "/embedding/*", ETagPath]);

    /// <summary>
    /// <c>actions</c>, partitioned by <c>/customerId</c>: the outbox of follow-ups, one item per action. The
    /// dispatcher filters on the status and the sortable due times; the customer snapshot, the cart items
    /// and the per-destination deliveries are never filtered on and are left out of the index.
    /// </summary>
    public static CosmosContainerDefinition Actions { get; } = new(
        "actions",
        "/customerId",
        IncludedPaths: ["/*"],
        ExcludedPaths: ["/trigger/items/*", "/customer/*", "/deliveries/*", ETagPath]);

    /// <summary>
    /// <c>suppressions</c>, partitioned by <c>/id</c>: one item per keyed hash of an erased person's id or email
    /// (the id is the hash), and the installation's hashing key (never filtered on, left out of the index).
    /// </summary>
    public static CosmosContainerDefinition Suppressions { get; } = new(
        "suppressions",
        "/id",
        IncludedPaths: ["/*"],
        ExcludedPaths: ["/key/?", ETagPath]);

    /// <summary><c>deadletter</c>, partitioned by <c>/day</c>: the raw payload is kept, not indexed.</summary>
    public static CosmosContainerDefinition DeadLetter { get; } = new(
        "deadletter",
        "/day",
        IncludedPaths: ["/*"],
        ExcludedPaths: ["/rawPayload/?", ETagPath]);

    /// <summary>Every container, in creation order.</summary>
    public static ReadOnlyCollection<CosmosContainerDefinition> All { get; } =
        new([Customers, Transitions, Metrics, PainPoints, Feedback, Actions, Suppressions, DeadLetter]);
}
