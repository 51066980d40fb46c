using CsvHelper;
using Parquet;
using Parquet.Schema;

namespace Journey.Functions.Tests.Export;

/// <summary>An exported file read back: its column names and its rows (values as the reader gives them).</summary>
public sealed record ExportedTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows)
{
    public IEnumerable<IReadOnlyDictionary<string, object?>> Where(string column, object value) =>
        Rows.Where(r => Equals(r[column], value));
}

/// <summary>Reads the export's files back with the libraries a BI user's tool would use: CsvHelper for CSV, Parquet.Net for Parquet.</summary>
public static class ExportFiles
{
    /// <summary>The CSV's header and rows; each value the field's text, or null when empty.</summary>
    public static async Task<ExportedTable> ReadCsvAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var csv = CsvReader.Create(stream, CsvReaderOptions.Default with { HasHeader = false }, leaveOpen: false);
        Assert.True(await csv.ReadAsync(), $"{path} has no header line");
        var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i)).ToList();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (await csv.ReadAsync())
        {
            Assert.Equal(header.Count, csv.FieldCount);
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++) row[header[i]] = csv.IsEmpty(i) ? null : csv.GetString(i);
            rows.Add(row);
        }
        return new ExportedTable(header, rows);
    }

    /// <summary>The Parquet file's schema (name → CLR type, e.g. <c>long</c>, <c>double</c>, <c>string</c>, <c>DateTime</c>) and rows (typed values, null where null).</summary>
    public static async Task<(IReadOnlyDictionary<string, Type> Schema, ExportedTable Table)> ReadParquetAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        var schema = fields.ToDictionary(f => f.Name, ClrTypeOf, StringComparer.Ordinal);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var columns = new List<object?[]>();
            foreach (var field in fields) columns.Add(await ReadColumnAsync(group, field, count));
            for (var r = 0; r < count; r++)
                rows.Add(fields.Select((f, c) => (f.Name, Value: columns[c][r])).ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal));
        }
        return (schema, new ExportedTable([.. fields.Select(f => f.Name)], rows));
    }

    /// <summary>The field's values' type; Parquet.Net describes a text column as <see cref="ReadOnlyMemory{T}"/> of char when it reads a file.</summary>
    private static Type ClrTypeOf(DataField field) => field.ClrType == typeof(ReadOnlyMemory<char>) ? typeof(string) : field.ClrType;

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int count)
    {
        if (ClrTypeOf(field) == typeof(string))
        {
            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory());
            return [.. values];
        }
        if (field.ClrType == typeof(long)) return await ReadStructsAsync<long>(group, field, count);
        if (field.ClrType == typeof(double)) return await ReadStructsAsync<double>(group, field, count);
        if (field.ClrType == typeof(bool)) return await ReadStructsAsync<bool>(group, field, count);
        if (field.ClrType == typeof(DateTime)) return await ReadStructsAsync<DateTime>(group, field, count);
        throw new InvalidOperationException($"unexpected column type {field.ClrType} of {field.Name}");
    }

    private static async Task<object?[]> ReadStructsAsync<T>(ParquetRowGroupReader group, DataField field, int count)
        where T : struct
    {
        var values = new T?[count];
        await group.ReadAsync(field, values.AsMemory());
        return [.. values.Select(v => v.HasValue ? (object)v.Value : null)];
    }
}
