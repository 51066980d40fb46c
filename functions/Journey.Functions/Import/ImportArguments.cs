using System.Globalization;

namespace Journey.Functions.Import;

/// <summary>The layouts <c>import</c> reads.</summary>
public enum ImportFormat
{
    /// <summary>CSV with a header, one interaction (view, cart, purchase ...) per row.</summary>
    ClickstreamCsv,

    /// <summary>One Segment message per line, as the HTTP Tracking API takes it.</summary>
    SegmentJsonl,

    /// <summary>Orders: CSV with a header, one order line per row (or the CDNOW logs, one order per row).</summary>
    OrdersCsv,

    /// <summary>Reviews: CSV with a header, one product review (text, title, rating) per row.</summary>
    ReviewsCsv,
}

/// <summary>
/// The arguments of <c>import &lt;file&gt; [--preset name] [--format name] [--map key=column,...]
/// [--data folder] [--batch N]</c>, checked: the file exists, and a preset or a format says how to read it.
/// </summary>
public sealed record ImportArguments
{
    public const int DefaultBatchSize = 1000;
    public const int MaxBatchSize = 10_000;

    /// <summary>The presets this version reads: clickstream CSV layouts (taobao, rees46), orders layouts (cdnow, online-retail) and a reviews layout (clothing-reviews).</summary>
    public static readonly IReadOnlyList<string> SupportedPresets = ["taobao", "rees46", "cdnow", "online-retail", "clothing-reviews"];

    public static readonly IReadOnlyList<string> SupportedFormats = ["clickstream-csv", "segment-jsonl", "orders-csv", "reviews-csv"];

    private const string Usage = "usage: import <file> --preset taobao|rees46|cdnow|online-retail|clothing-reviews | --format clickstream-csv|segment-jsonl|orders-csv|reviews-csv [--map key=column,...] [--batch N] [--data folder]";

    /// <summary>The file to read; a name ending in .gz is decompressed while reading.</summary>
    public required string FilePath { get; init; }

    public required ImportFormat Format { get; init; }

    /// <summary>The preset, lower case, or null when only a format was given.</summary>
    public string? Preset { get; init; }

    /// <summary>Column mappings of <c>--map</c> (key → column), keys lower case; empty without it.</summary>
    public IReadOnlyDictionary<string, string> Map { get; init; } = new Dictionary<string, string>();

    /// <summary>Events per append to the stream.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>The <c>--data</c> folder; the composition root uses it, the import does not.</summary>
    public string? DataFolder { get; init; }

    /// <summary>The name the events' provenance and message ids carry: the preset, else the format.</summary>
    public string SourceName => Preset ?? FormatName(Format);

    public static string FormatName(ImportFormat format) => format switch
    {
        ImportFormat.ClickstreamCsv => "clickstream-csv",
        ImportFormat.SegmentJsonl => "segment-jsonl",
        ImportFormat.OrdersCsv => "orders-csv",
        ImportFormat.ReviewsCsv => "reviews-csv",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>Parses the arguments that follow <c>import</c>.</summary>
    /// <exception cref="ImportArgumentException">The arguments are wrong; the message says how.</exception>
    public static ImportArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? file = null, preset = null, format = null, data = null, batch = null;
        var mapSpecs = new List<string>();

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                if (file is not null)
                    throw new ImportArgumentException($"unexpected argument '{arg}': import reads one file ('{file}' was given first). {Usage}");
                file = arg;
                continue;
            }

            var name = arg;
            string? value = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[..eq];
                value = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            name = name.ToLowerInvariant();
            if (name is not ("--preset" or "--format" or "--map" or "--data" or "--batch"))
                throw new ImportArgumentException($"unknown option '{arg}' for import. {Usage}");
            if (string.IsNullOrWhiteSpace(value))
                throw new ImportArgumentException($"{name} needs a value. {Usage}");

            switch (name)
            {
                case "--preset": preset = Once(name, preset, value); break;
                case "--format": format = Once(name, format, value); break;
                case "--data": data = Once(name, data, value); break;
                case "--batch": batch = Once(name, batch, value); break;
                default: mapSpecs.Add(value); break;
            }
        }

        if (file is null)
            throw new ImportArgumentException($"missing file: import needs the file to read. {Usage}");

        var (resolvedFormat, resolvedPreset) = ResolveFormat(preset?.Trim().ToLowerInvariant(), format?.Trim().ToLowerInvariant());
        if (mapSpecs.Count > 0 && resolvedFormat == ImportFormat.SegmentJsonl)
            throw new ImportArgumentException($"--map applies to --format clickstream-csv, orders-csv and reviews-csv only, not to {FormatName(resolvedFormat)}.");
        if (mapSpecs.Count > 0 && resolvedFormat is ImportFormat.OrdersCsv or ImportFormat.ReviewsCsv && resolvedPreset is not null)
            throw new ImportArgumentException($"preset {resolvedPreset} has fixed columns: --map applies to --format {FormatName(resolvedFormat)} without a preset.");
        var map = resolvedFormat switch
        {
            ImportFormat.OrdersCsv => ParseMap(mapSpecs, OrdersLayout.Keys, "customer=buyer,order=order_no,time=date,revenue=amount"),
            ImportFormat.ReviewsCsv => ParseMap(mapSpecs, ReviewsLayout.Keys, ReviewsLayout.MapExample),
            _ => ParseMap(mapSpecs, ClickstreamLayout.Keys, "user=customer_id,event=action,time=ts"),
        };
        if (resolvedPreset is null)
        {
            var (required, example) = resolvedFormat switch
            {
                ImportFormat.ClickstreamCsv => (ClickstreamLayout.RequiredKeys, "user=customer_id,event=action,time=ts"),
                ImportFormat.OrdersCsv => (OrdersLayout.RequiredKeys, "customer=buyer,order=order_no,time=date,revenue=amount"),
                ImportFormat.ReviewsCsv => (ReviewsLayout.RequiredKeys, ReviewsLayout.MapExample),
                _ => ((IReadOnlyList<string>)[], ""),
            };
            var missing = required.Where(k => !map.ContainsKey(k)).ToList();
            if (missing.Count > 0)
                throw new ImportArgumentException(
                    $"--format {FormatName(resolvedFormat)} needs --map with the columns of {string.Join(", ", required)} (missing: {string.Join(", ", missing)}), e.g. --map {example}.");
        }

        var batchSize = DefaultBatchSize;
        if (batch is not null && (!int.TryParse(batch, NumberStyles.None, CultureInfo.InvariantCulture, out batchSize) || batchSize < 1 || batchSize > MaxBatchSize))
            throw new ImportArgumentException($"bad --batch value '{batch}': expected a whole number from 1 to {MaxBatchSize}.");

        if (!File.Exists(file))
            throw new ImportArgumentException(Directory.Exists(file) ? $"'{file}' is a folder, not a file." : $"file not found: '{file}' (looked in {Path.GetFullPath(file)}).");

        return new ImportArguments
        {
            FilePath = file,
            Format = resolvedFormat,
            Preset = resolvedPreset,
            Map = map,
            BatchSize = batchSize,
            DataFolder = data,
        };
    }

    private static string Once(string name, string? current, string value) =>
        current is null ? value : throw new ImportArgumentException($"{name} is given twice ('{current}' and '{value}').");

    private static (ImportFormat Format, string? Preset) ResolveFormat(string? preset, string? format)
    {
        if (preset is null && format is null)
            throw new ImportArgumentException($"import needs --preset or --format to know how to read the file: presets {string.Join(", ", SupportedPresets)}; formats {string.Join(", ", SupportedFormats)}.");

        ImportFormat? fromFormat = null;
        if (format is not null)
        {
            fromFormat = format switch
            {
                "clickstream-csv" => ImportFormat.ClickstreamCsv,
                "segment-jsonl" => ImportFormat.SegmentJsonl,
                "orders-csv" => ImportFormat.OrdersCsv,
                "reviews-csv" => ImportFormat.ReviewsCsv,
                _ => throw new ImportArgumentException($"unknown format \"{format}\" (valid: {string.Join(", ", SupportedFormats)})."),
            };
        }

        if (preset is null)
            return (fromFormat!.Value, null);
        if (!SupportedPresets.Contains(preset))
            throw new ImportArgumentException($"unknown preset \"{preset}\" (valid: {string.Join(", ", SupportedPresets)}).");
        var presetFormat = preset switch
        {
            "cdnow" or "online-retail" => ImportFormat.OrdersCsv,
            ReviewsLayout.ClothingReviews => ImportFormat.ReviewsCsv,
            _ => ImportFormat.ClickstreamCsv,
        };
        if (fromFormat is not null && fromFormat != presetFormat)
            throw new ImportArgumentException($"preset {preset} reads {FormatName(presetFormat)}, not {FormatName(fromFormat.Value)}: give one of --preset and --format.");
        return (presetFormat, preset);
    }

    private static Dictionary<string, string> ParseMap(List<string> specs, IReadOnlyList<string> keys, string example)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            foreach (var entry in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = entry.IndexOf('=', StringComparison.Ordinal);
                var key = eq > 0 ? entry[..eq].Trim().ToLowerInvariant() : "";
                var column = eq > 0 ? entry[(eq + 1)..].Trim() : "";
                if (key.Length == 0 || column.Length == 0)
                    throw new ImportArgumentException($"bad --map entry '{entry}': expected key=column, e.g. --map {example}.");
                if (!keys.Contains(key))
                    throw new ImportArgumentException($"unknown --map key '{key}' (valid: {string.Join(", ", keys)}).");
                if (!map.TryAdd(key, column))
                    throw new ImportArgumentException($"--map key '{key}' is given twice ('{map[key]}' and '{column}').");
            }
        }
        return map;
    }
}
