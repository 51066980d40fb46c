using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Store.Cosmos;

/// <summary>The log messages of the Cosmos DB store, source-generated. Event ids 200-299 of this assembly; never reuse one.</summary>
internal static partial class CosmosLog
{
    [LoggerMessage(200, LogLevel.Information, "Created the Cosmos DB database {Database}")]
    public static partial void DatabaseCreated(this ILogger logger, string database);

    [LoggerMessage(201, LogLevel.Information, "Created the Cosmos DB container {Container} (partition key {PartitionKeyPath})")]
    public static partial void ContainerCreated(this ILogger logger, string container, string partitionKeyPath);

    [LoggerMessage(202, LogLevel.Warning, "The Cosmos DB container {Container} is not reachable: {StatusCode}")]
    public static partial void ContainerNotReachableStatus(this ILogger logger, string container, int statusCode);

    [LoggerMessage(203, LogLevel.Warning, "The Cosmos DB container {Container} is not reachable")]
    public static partial void ContainerNotReachable(this ILogger logger, Exception exception, string container);

    [LoggerMessage(204, LogLevel.Debug, "{Operation} {Container} {Id} cost {RequestCharge} RU")]
    public static partial void RequestCharge(this ILogger logger, string operation, string container, string id, double requestCharge);
}
