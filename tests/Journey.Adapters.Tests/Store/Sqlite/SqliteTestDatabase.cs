using Journey.Adapters.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Adapters.Tests.Store.Sqlite;

/// <summary>A fresh data folder for one test; removes it (and closes the stores it opened) at the end.</summary>
public sealed class SqliteTestDatabase : IDisposable
{
    private readonly List<SqliteJourneyStore> _stores = [];

    public SqliteTestDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "journey-store-tests", Guid.NewGuid().ToString("N"));
        DatabasePath = Path.Combine(Folder, SqliteStoreOptions.FileName);
    }

    public string Folder { get; }

    public string DatabasePath { get; }

    public SqliteJourneyStore Open(Action<SqliteStoreOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = SqliteStoreOptions.ForDataDirectory(Folder);
        configure?.Invoke(options);
        var store = new SqliteJourneyStore(options, NullLogger<SqliteJourneyStore>.Instance, clock);
        _stores.Add(store);
        return store;
    }

    /// <summary>A plain connection, as a BI tool would open one.</summary>
    public SqliteConnection Connect(bool readOnly = true)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        try
        {
            if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test for.
        }
    }
}
