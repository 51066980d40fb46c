using Journey.Domain.Metrics;

namespace Journey.Functions.Jobs;

/// <summary>Bad arguments of a batch command (<c>daily</c>, <c>metrics</c>, <c>painpoints</c>, <c>export</c>): exit code 2.</summary>
public sealed class JobArgumentException(string message) : Exception(message);

/// <summary>The options of <c>daily [--date yyyy-MM-dd]</c> and <c>metrics [--date yyyy-MM-dd] [--kind k]</c>.</summary>
public sealed record JobArguments(DateOnly? Date, string? Kind, bool Matrix = false, bool Percentages = false)
{
    public static JobArguments Parse(string command, IReadOnlyList<string> args, bool allowKind)
    {
        DateOnly? date = null;
        string? kind = null;
        bool matrix = false, percentages = false;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = Split(args, ref i);
            switch (name)
            {
                case "--date":
                    if (value is null) throw new JobArgumentException("--date needs a value: --date yyyy-MM-dd");
                    if (!AsOf.TryParse(value, out var parsed))
                        throw new JobArgumentException($"--date '{value}' is not a date: use yyyy-MM-dd, e.g. --date 2026-11-29");
                    date = parsed;
                    break;
                case "--kind" when allowKind:
                    if (string.IsNullOrWhiteSpace(value)) throw new JobArgumentException("--kind needs a value, e.g. --kind retention");
                    kind = value.Trim();
                    break;
                case "--matrix" when allowKind:
                    if (value is not null) i--; // a flag: the next argument is not its value
                    matrix = true;
                    break;
                case "--percent" when allowKind:
                    if (value is not null) i--;
                    percentages = true;
                    break;
                default:
                    throw new JobArgumentException($"unknown option '{args[i]}' for {command}; it takes {(allowKind ? "--date yyyy-MM-dd, --kind <kind> and --matrix [--percent]" : "--date yyyy-MM-dd")}");
            }
        }
        if ((matrix || percentages) && kind is not null && kind != MetricKinds.Retention)
            throw new JobArgumentException($"--matrix and --percent print the retention cohorts; they do not apply to --kind {kind}");
        return new JobArguments(date, matrix || percentages ? MetricKinds.Retention : kind, matrix || percentages, percentages);
    }

    /// <summary>"--name value" or "--name=value".</summary>
    internal static (string Name, string? Value) Split(IReadOnlyList<string> args, ref int i)
    {
        var arg = args[i];
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0) return (arg[..equals], arg[(equals + 1)..]);
        if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) return (arg, args[++i]);
        return (arg, null);
    }
}
