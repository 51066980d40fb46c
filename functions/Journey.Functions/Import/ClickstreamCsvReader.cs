using System.Runtime.CompilerServices;
using CsvHelper;

namespace Journey.Functions.Import;

/// <summary>
/// Reads a clickstream CSV (comma-separated, RFC 4180 quoting, a header line) row by row with
/// CsvHelper's streaming reader and maps each row with <see cref="ClickstreamEventMapper"/>.
/// A row with broken quoting or a different number of fields than the header is rejected.
/// </summary>
internal sealed class ClickstreamCsvReader : IImportReader
{
    public const string MalformedQuotes = "malformed quotes";
    public const string ShortRow = "short row";
    public const string LongRow = "too many columns";

    private readonly ClickstreamLayout layout;
    private readonly TimeProvider clock;
    private readonly string fileName;

    public ClickstreamCsvReader(ClickstreamLayout layout, TimeProvider clock, string fileName)
    {
        this.layout = layout;
        this.clock = clock;
        this.fileName = fileName;
    }

    public async IAsyncEnumerable<ImportRecord> ReadAsync(Stream input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var malformedLines = new HashSet<long>();
        var options = ImportCsv.Options(malformedLines);

        await using var csv = CsvReader.Create(input, options, leaveOpen: true);
        using var mapper = new ClickstreamEventMapper(layout, clock);

        if (!await csv.ReadAsync(cancellationToken))
            throw new ImportInputException($"{fileName} is empty: a clickstream CSV starts with a header line ({string.Join(",", layout.HeaderlessColumns ?? layout.Columns.Values.Select(c => c[0]).ToList())}).");

        var first = Fields(csv);
        var (columns, headerless) = Bind(first);
        if (headerless)
            yield return Convert(csv, columns, mapper, malformedLines);

        while (await csv.ReadAsync(cancellationToken))
            yield return Convert(csv, columns, mapper, malformedLines);
    }

    /// <summary>Field indices by key (the candidate columns of each key, in order), and whether the first line is data rather than a header.</summary>
    private (BoundColumns Columns, bool Headerless) Bind(IReadOnlyList<string> first)
    {
        var header = first.Select(h => h.Trim()).ToList();
        var allColumns = layout.Columns.Values.SelectMany(c => c).ToList();
        var headerless = layout.HeaderlessColumns is { } fixedColumns
            && header.Count == fixedColumns.Count
            && !header.Any(h => allColumns.Contains(h, StringComparer.OrdinalIgnoreCase));
        if (headerless)
            header = [.. layout.HeaderlessColumns!];

        var bound = new BoundColumns(header.Count);
        foreach (var key in ClickstreamLayout.Keys)
        {
            if (!layout.Columns.TryGetValue(key, out var candidates)) continue;
            var indices = candidates
                .Select(c => header.FindIndex(h => string.Equals(h, c, StringComparison.OrdinalIgnoreCase)))
                .Where(i => i >= 0)
                .ToArray();
            if (indices.Length == 0)
            {
                throw new ImportInputException(
                    $"{fileName} has no column {string.Join(" or ", candidates.Select(c => $"'{c}'"))} for {key} ({Describe()}); its header is: {string.Join(",", header)}.");
            }
            bound.Set(key, indices);
        }
        return (bound, headerless);
    }

    private string Describe() => layout.ClosedCodes is not null ? $"preset {layout.Name}" : "--map";

    private static ImportRecord Convert(CsvReader csv, BoundColumns columns, ClickstreamEventMapper mapper, HashSet<long> malformedLines)
    {
        var line = csv.LineNumber;
        if (malformedLines.Remove(line)) return ImportRecord.Rejected(line, MalformedQuotes);
        if (csv.FieldCount < columns.FieldCount) return ImportRecord.Rejected(line, ShortRow);
        if (csv.FieldCount > columns.FieldCount) return ImportRecord.Rejected(line, LongRow);

        var row = new ClickstreamRow(
            User: Value(csv, columns.User),
            Event: Value(csv, columns.Event),
            Time: Value(csv, columns.Time),
            Product: Value(csv, columns.Product),
            Category: Value(csv, columns.Category),
            Brand: Value(csv, columns.Brand),
            Price: Value(csv, columns.Price),
            Quantity: Value(csv, columns.Quantity),
            Order: Value(csv, columns.Order),
            Session: Value(csv, columns.Session));
        return mapper.Map(row, line, csv.RawRecord);
    }

    /// <summary>The first non-empty of the fields, trimmed; null when all are empty or the key is not mapped.</summary>
    private static string? Value(CsvReader csv, int[]? indices)
    {
        if (indices is null) return null;
        foreach (var i in indices)
        {
            if (csv.IsEmpty(i)) continue;
            var value = csv.GetString(i).Trim();
            if (value.Length > 0) return value;
        }
        return null;
    }

    private static List<string> Fields(CsvReader csv)
    {
        var fields = new List<string>(csv.FieldCount);
        for (var i = 0; i < csv.FieldCount; i++) fields.Add(csv.GetString(i));
        return fields;
    }

    private sealed class BoundColumns(int fieldCount)
    {
        public int FieldCount { get; } = fieldCount;
        public int[]? User { get; private set; }
        public int[]? Event { get; private set; }
        public int[]? Time { get; private set; }
        public int[]? Product { get; private set; }
        public int[]? Category { get; private set; }
        public int[]? Brand { get; private set; }
        public int[]? Price { get; private set; }
        public int[]? Quantity { get; private set; }
        public int[]? Order { get; private set; }
        public int[]? Session { get; private set; }

        public void Set(string key, int[] indices)
        {
            switch (key)
            {
                case ClickstreamLayout.User: User = indices; break;
                case ClickstreamLayout.Event: Event = indices; break;
                case ClickstreamLayout.Time: Time = indices; break;
                case ClickstreamLayout.Product: Product = indices; break;
                case ClickstreamLayout.Category: Category = indices; break;
                case ClickstreamLayout.Brand: Brand = indices; break;
                case ClickstreamLayout.Price: Price = indices; break;
                case ClickstreamLayout.Quantity: Quantity = indices; break;
                case ClickstreamLayout.Order: Order = indices; break;
                case ClickstreamLayout.Session: Session = indices; break;
                default: throw new ArgumentOutOfRangeException(nameof(key), key, "not a clickstream key");
            }
        }
    }
}
