using Journey.Testing.Store;

namespace Journey.Adapters.Tests.Store.Sqlite;

/// <summary>Erasure, export and suppression on the SQLite store; the scan reads every column of every table of the file.</summary>
public sealed class SqliteErasureTests : ErasureContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<Stores> CreateStoresAsync()
    {
        var store = _database.Open();
        return Task.FromResult(new Stores(store, store, store, store, store, store, store, store, store, store));
    }

    protected override Task<IReadOnlyList<(string Container, string Text)>> ScanAsync()
    {
        using var connection = _database.Connect();
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = command.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        Assert.Contains("suppressions", tables);
        var rows = new List<(string, string)>();
        foreach (var table in tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i)) continue;
                    var value = reader.GetValue(i);
                    rows.Add(($"{table}.{reader.GetName(i)}", value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                }
            }
        }
        return Task.FromResult<IReadOnlyList<(string, string)>>(rows);
    }

    protected override Task DisposeStoresAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}
