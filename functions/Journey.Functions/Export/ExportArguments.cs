using System.Globalization;
using Journey.Functions.Jobs;

namespace Journey.Functions.Export;

/// <summary>
/// The options of <c>export --format csv|parquet --out &lt;folder&gt; [--what customers,transitions,…] [--since yyyy-MM-dd]</c>.
/// </summary>
public sealed record ExportArguments(string Format, string OutputDirectory, IReadOnlyList<IExportDataset> Datasets, DateOnly? Since)
{
    public const string Usage = "export --format csv|parquet --out <folder> [--what customers,transitions,metrics,rates,feedback,painpoints,actions] [--since yyyy-MM-dd]";

    public static ExportArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? format = null, output = null;
        IReadOnlyList<IExportDataset>? datasets = null;
        DateOnly? since = null;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = JobArguments.Split(args, ref i);
            switch (name)
            {
                case "--format":
                    format = value?.Trim().ToLowerInvariant();
                    if (format is null || !ExportFormats.All.Contains(format))
                        throw new JobArgumentException($"--format needs one of: {string.Join(", ", ExportFormats.All)}{(value is null ? "" : $" (not '{value}')")}");
                    break;
                case "--out":
                    if (string.IsNullOrWhiteSpace(value)) throw new JobArgumentException("--out needs a folder: --out <folder>");
                    output = value;
                    break;
                case "--what":
                    datasets = ParseWhat(value);
                    break;
                case "--since":
                    if (value is null) throw new JobArgumentException("--since needs a value: --since yyyy-MM-dd");
                    if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                        throw new JobArgumentException($"--since '{value}' is not a date: use yyyy-MM-dd, e.g. --since 2026-11-01");
                    since = day;
                    break;
                default:
                    throw new JobArgumentException($"unknown option '{args[i]}'; usage: {Usage}");
            }
        }
        if (format is null) throw new JobArgumentException($"--format is required; usage: {Usage}");
        if (output is null) throw new JobArgumentException($"--out is required; usage: {Usage}");
        return new ExportArguments(format, output, datasets ?? ExportDatasets.All, since);
    }

    private static List<IExportDataset> ParseWhat(string? value)
    {
        var names = ExportDatasets.All.Select(d => d.Name).ToList();
        if (string.IsNullOrWhiteSpace(value)) throw new JobArgumentException($"--what needs a comma-separated list of: {string.Join(",", names)}");
        var chosen = new List<IExportDataset>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dataset = ExportDatasets.All.FirstOrDefault(d => string.Equals(d.Name, part, StringComparison.OrdinalIgnoreCase))
                ?? throw new JobArgumentException($"--what: unknown dataset '{part}'; the datasets are: {string.Join(",", names)}");
            if (!chosen.Contains(dataset)) chosen.Add(dataset);
        }
        if (chosen.Count == 0) throw new JobArgumentException($"--what needs a comma-separated list of: {string.Join(",", names)}");
        // In the order of ExportDatasets.All, whatever the order asked.
        return [.. ExportDatasets.All.Where(chosen.Contains)];
    }
}
