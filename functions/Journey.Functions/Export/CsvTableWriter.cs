using System.Globalization;
using CsvHelper;

namespace Journey.Functions.Export;

/// <summary>
/// A table as CSV (RFC 4180, comma-separated, UTF-8, a header line of the column names): integers and
/// reals in invariant culture (reals round-trip), booleans <c>true</c>/<c>false</c>, times as UTC
/// <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, null as an empty field.
/// </summary>
public sealed class CsvTableWriter : ITableWriter
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private readonly CsvWriter _csv;
    private readonly IReadOnlyList<ExportColumn> _columns;

    public CsvTableWriter(Stream stream, IReadOnlyList<ExportColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns;
        _csv = CsvWriter.Create(stream, options: null, leaveOpen: true);
        foreach (var column in columns) _csv.WriteField(column.Name);
        _csv.EndRecord();
    }

    public Task WriteRowAsync(object?[] row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Length != _columns.Count) throw new ArgumentException($"A row of {row.Length} values for {_columns.Count} columns.", nameof(row));
        for (var i = 0; i < row.Length; i++) _csv.WriteField(Format(_columns[i], row[i]));
        return _csv.EndRecordAsync(cancellationToken).AsTask();
    }

    public async Task CompleteAsync(CancellationToken cancellationToken) => await _csv.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => _csv.DisposeAsync();

    private static string Format(ExportColumn column, object? value) => (column.Type, value) switch
    {
        (_, null) => "",
        (ExportType.Text, string s) => s,
        (ExportType.WholeNumber, long n) => n.ToString(CultureInfo.InvariantCulture),
        (ExportType.Real, double d) => d.ToString("R", CultureInfo.InvariantCulture),
        (ExportType.Boolean, bool b) => b ? "true" : "false",
        (ExportType.Timestamp, DateTimeOffset t) => t.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture),
        _ => throw ExportFormats.Mismatch(column, value),
    };
}
