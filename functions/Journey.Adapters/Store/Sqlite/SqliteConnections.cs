using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>Opening connections to <c>journey.db</c> the same way everywhere.</summary>
internal static class SqliteConnections
{
    public static SqliteConnection Open(string databasePath, bool readOnly, TimeSpan busyTimeout)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            // The store keeps its own connections (one writer, a few readers) with their prepared statements.
            Pooling = false,
            // Microsoft.Data.Sqlite retries BUSY/LOCKED until the command timeout (0 would mean forever).
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>A command prepared once; its parameters are set by position for each execution.</summary>
    public static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames) command.Parameters.Add(name, SqliteType.Text);
        command.Prepare();
        return command;
    }

    /// <summary>True when no transaction is open on the connection (SQLite may roll one back by itself after some errors).</summary>
    public static bool IsAutocommit(this SqliteConnection connection) =>
        SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0;

    /// <summary>The UTF-8 bytes of a TEXT column, without decoding them to a string first.</summary>
    public static byte[] GetUtf8(this SqliteDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);
}
