using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>The log messages of the SQLite store and its writer, source-generated. Event ids 100-199 of this assembly; never reuse one.</summary>
internal static partial class SqliteLog
{
    [LoggerMessage(100, LogLevel.Warning, "The SQLite store {DatabasePath} is not reachable")]
    public static partial void NotReachable(this ILogger logger, Exception exception, string databasePath);

    [LoggerMessage(101, LogLevel.Information, "SQLite store opened at {DatabasePath} (schema version {SchemaVersion}, was {FoundSchemaVersion}; synchronous {Synchronous})")]
    public static partial void Opened(this ILogger logger, string databasePath, int schemaVersion, int foundSchemaVersion, SqliteSynchronous synchronous);

    [LoggerMessage(110, LogLevel.Error, "The SQLite writer of {DatabasePath} failed unexpectedly")]
    public static partial void WriterFailed(this ILogger logger, Exception exception, string databasePath);

    [LoggerMessage(111, LogLevel.Warning, "Rolling back a write transaction on {DatabasePath} failed")]
    public static partial void RollbackFailed(this ILogger logger, Exception exception, string databasePath);

    [LoggerMessage(112, LogLevel.Warning, "{Count} writes to {DatabasePath} failed transiently")]
    public static partial void WritesFailedTransiently(this ILogger logger, Exception exception, int count, string databasePath);
}
