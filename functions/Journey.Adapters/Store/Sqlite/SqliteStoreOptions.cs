namespace Journey.Adapters.Store.Sqlite;

/// <summary>How hard SQLite syncs a commit to disk (<c>PRAGMA synchronous</c>, in WAL mode).</summary>
public enum SqliteSynchronous
{
    /// <summary>A commit may be lost on power loss (never on a process crash); faster.</summary>
    Normal = 1,

    /// <summary>Every commit is synced before it returns: a committed write survives power loss. The default.</summary>
    Full = 2,

    /// <summary>Like <see cref="Full"/>, also syncing the directory after the WAL is reset.</summary>
    Extra = 3,
}

/// <summary>Options of <see cref="SqliteJourneyStore"/>, the embedded document store of local mode.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "SqliteStore";

    /// <summary>The file name of the database inside the data folder.</summary>
    public const string FileName = "journey.db";

    /// <summary>Path of the database file, normally <c>{dataDir}/journey.db</c> (see <see cref="ForDataDirectory"/>). Its folder is created when missing.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>
    /// <see cref="SqliteSynchronous.Full"/> by default: the stream checkpoint is written after a store
    /// write, so a committed write must survive power loss.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>How long a statement waits for a lock held by another connection or process before the store reports itself unavailable.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Read connections kept open for reuse (reads run in parallel with the single writer in WAL mode).</summary>
    public int MaxIdleReaders { get; set; } = 8;

    /// <summary>Most writes committed together in one transaction (group commit: one disk sync for all of them).</summary>
    public int MaxWritesPerCommit { get; set; } = 256;

    /// <summary>Options for the database <c>journey.db</c> in <paramref name="dataDirectory"/>.</summary>
    public static SqliteStoreOptions ForDataDirectory(string dataDirectory) =>
        new() { DatabasePath = Path.Combine(dataDirectory, FileName) };

    /// <summary>The problems of these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DatabasePath))
            errors.Add($"{nameof(SqliteStoreOptions)}.{nameof(DatabasePath)} is required (e.g. <data folder>/{FileName}).");
        else if (DatabasePath.StartsWith(':') || DatabasePath.Contains("mode=memory", StringComparison.OrdinalIgnoreCase))
            errors.Add($"{nameof(SqliteStoreOptions)}.{nameof(DatabasePath)} must be a file path; in-memory databases are not supported.");
        if (!Enum.IsDefined(Synchronous))
            errors.Add($"{nameof(SqliteStoreOptions)}.{nameof(Synchronous)} must be Normal, Full or Extra.");
        if (BusyTimeout < TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
            errors.Add($"{nameof(SqliteStoreOptions)}.{nameof(BusyTimeout)} must be between 0 and 10 minutes.");
        if (MaxIdleReaders is < 1 or > 256)
            errors.Add($"{nameof(SqliteStoreOptions)}.{nameof(MaxIdleReaders)} must be between 1 and 256.");
        if (MaxWritesPerCommit is < 1 or > 10_000)
            errors.Add($"{nameof(SqliteStoreOptions)}.{nameof(MaxWritesPerCommit)} must be between 1 and 10000.");
        return errors;
    }
}
