using Journey.Domain.Ports;
using Microsoft.Data.Sqlite;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>Which SQLite errors are transient (the batch should be retried) and how they are reported.</summary>
internal static class SqliteErrors
{
    // Primary result codes, https://www.sqlite.org/rescode.html
    private const int Busy = 5;
    private const int Locked = 6;
    private const int IoErr = 10;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Protocol = 15;
    private const int ReadOnly = 8;
    private const int TooBig = 18;

    /// <summary>
    /// Locks held elsewhere (BUSY, LOCKED, PROTOCOL), I/O errors, a full disk and a file that cannot be
    /// opened (yet): the store may work again later. Constraint, schema, corruption and misuse errors
    /// are bugs or damage, and propagate unchanged.
    /// </summary>
    public static bool IsTransient(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xFF) is Busy or Locked or IoErr or Full or CantOpen or Protocol or ReadOnly;

    /// <summary>A string or blob over SQLite's length limit: that document can never be stored.</summary>
    public static bool IsTooBig(SqliteException exception) => (exception.SqliteErrorCode & 0xFF) == TooBig;

    public static DocumentRejectedException Rejected(string databasePath, SqliteException exception) =>
        new($"The SQLite store '{databasePath}' refused a document: {exception.Message}", exception);

    public static StoreUnavailableException Unavailable(string databasePath, SqliteException exception) =>
        new($"The SQLite store '{databasePath}' is unavailable: {exception.Message}", exception);
}
