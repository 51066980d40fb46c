namespace Journey.Functions.Export;

/// <summary>The type of an export column: what a BI tool loads it as (Parquet logical type; in CSV, how the text is written).</summary>
public enum ExportType
{
    /// <summary>UTF-8 text (JSON text for nested values).</summary>
    Text,

    /// <summary>64-bit integer.</summary>
    WholeNumber,

    /// <summary>64-bit floating point (amounts too).</summary>
    Real,

    Boolean,

    /// <summary>A UTC instant, to the millisecond (CSV: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>).</summary>
    Timestamp,
}

/// <summary>One column of an exported table; every column may be empty (null).</summary>
public sealed record ExportColumn(string Name, ExportType Type);

/// <summary>
/// Writes one table to a stream, row by row, in a file format. A row's values are in column order,
/// each null or of its column's type: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/>, <see cref="DateTimeOffset"/>.
/// </summary>
public interface ITableWriter : IAsyncDisposable
{
    Task WriteRowAsync(object?[] row, CancellationToken cancellationToken);

    /// <summary>Writes what is buffered and the file's end; the file is complete after it.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>The file formats of the export.</summary>
public static class ExportFormats
{
    public const string Csv = "csv";
    public const string Parquet = "parquet";

    public static IReadOnlyList<string> All { get; } = [Csv, Parquet];

    /// <summary>A writer of <paramref name="format"/> (a name of <see cref="All"/>) over <paramref name="stream"/>, which it leaves open.</summary>
    public static async Task<ITableWriter> CreateAsync(string format, Stream stream, IReadOnlyList<ExportColumn> columns, CancellationToken cancellationToken) => format switch
    {
        Csv => new CsvTableWriter(stream, columns),
        Parquet => await ParquetTableWriter.CreateAsync(stream, columns, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, $"The formats are: {string.Join(", ", All)}."),
    };

    /// <summary>A value's type does not match its column's: a bug in the dataset's definition.</summary>
    internal static InvalidOperationException Mismatch(ExportColumn column, object value) =>
        new($"The column {column.Name} is {column.Type}, and was given a {value.GetType().Name}.");
}
