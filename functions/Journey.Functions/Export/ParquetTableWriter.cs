using Parquet;
using Parquet.Schema;

namespace Journey.Functions.Export;

/// <summary>
/// A table as Parquet (Parquet.Net): every column optional; text as UTF-8 strings, integers INT64, reals
/// DOUBLE, booleans BOOLEAN, times as UTC timestamps in milliseconds. Rows are buffered and written a
/// row group of <see cref="RowGroupRows"/> at a time, so memory holds one row group whatever the table's size.
/// </summary>
public sealed class ParquetTableWriter : ITableWriter
{
    /// <summary>Rows per row group.</summary>
    public const int RowGroupRows = 10_000;

    private readonly ParquetWriter _writer;
    private readonly IReadOnlyList<ExportColumn> _columns;
    private readonly DataField[] _fields;
    private readonly List<object?[]> _buffer = new(RowGroupRows);

    private ParquetTableWriter(ParquetWriter writer, IReadOnlyList<ExportColumn> columns, DataField[] fields)
    {
        _writer = writer;
        _columns = columns;
        _fields = fields;
    }

    public static async Task<ParquetTableWriter> CreateAsync(Stream stream, IReadOnlyList<ExportColumn> columns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var fields = columns.Select(FieldOf).ToArray();
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, options: null, append: false, cancellationToken);
        return new ParquetTableWriter(writer, columns, fields);
    }

    /// <summary>The Parquet field of a column.</summary>
    public static DataField FieldOf(ExportColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Type switch
        {
            ExportType.Text => new DataField<string>(column.Name, nullable: true),
            ExportType.WholeNumber => new DataField<long?>(column.Name),
            ExportType.Real => new DataField<double?>(column.Name),
            ExportType.Boolean => new DataField<bool?>(column.Name),
            ExportType.Timestamp => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Not an export type."),
        };
    }

    public async Task WriteRowAsync(object?[] row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Length != _columns.Count) throw new ArgumentException($"A row of {row.Length} values for {_columns.Count} columns.", nameof(row));
        _buffer.Add(row);
        if (_buffer.Count >= RowGroupRows) await FlushRowGroupAsync(cancellationToken);
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Count > 0) await FlushRowGroupAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await _writer.DisposeAsync();

    private async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        using var group = _writer.CreateRowGroup();
        for (var c = 0; c < _columns.Count; c++)
        {
            var column = _columns[c];
            var field = _fields[c];
            switch (column.Type)
            {
                case ExportType.Text:
                    await group.WriteAsync(field, Texts(c, column));
                    break;
                case ExportType.WholeNumber:
                    await group.WriteAsync(field, new ReadOnlyMemory<long?>(Structs<long>(c, column, static v => v)), null, null, cancellationToken);
                    break;
                case ExportType.Real:
                    await group.WriteAsync(field, new ReadOnlyMemory<double?>(Structs<double>(c, column, static v => v)), null, null, cancellationToken);
                    break;
                case ExportType.Boolean:
                    await group.WriteAsync(field, new ReadOnlyMemory<bool?>(Structs<bool>(c, column, static v => v)), null, null, cancellationToken);
                    break;
                default:
                    await group.WriteAsync(field, new ReadOnlyMemory<DateTime?>(Structs<DateTimeOffset, DateTime>(c, column, static t => t.UtcDateTime)), null, null, cancellationToken);
                    break;
            }
        }
        group.CompleteValidate();
        _buffer.Clear();
    }

    private string[] Texts(int c, ExportColumn column)
    {
        var values = new string[_buffer.Count];
        for (var r = 0; r < values.Length; r++)
            values[r] = _buffer[r][c] switch
            {
                null => null!,
                string s => s,
                var other => throw ExportFormats.Mismatch(column, other),
            };
        return values;
    }

    private T?[] Structs<T>(int c, ExportColumn column, Func<T, T> map)
        where T : struct => Structs<T, T>(c, column, map);

    private TOut?[] Structs<TIn, TOut>(int c, ExportColumn column, Func<TIn, TOut> map)
        where TIn : struct
        where TOut : struct
    {
        var values = new TOut?[_buffer.Count];
        for (var r = 0; r < values.Length; r++)
            values[r] = _buffer[r][c] switch
            {
                null => null,
                TIn v => map(v),
                var other => throw ExportFormats.Mismatch(column, other),
            };
        return values;
    }
}
