using Journey.Domain.Metrics;

namespace Journey.Functions.Jobs;

/// <summary>Bad arguments of a batch command (<c>daily</c>, <c>metrics</c>, <c>painpoints</c>, <c>export</c>): exit code 2.</summary>
public sealed class JobArgumentException(string message) : Exception(message);

/// <summary>
/// The options of <c>daily [--date yyyy-MM-dd | --since yyyy-MM-dd --until yyyy-MM-dd [--every N]]</c> and
/// <c>metrics [--date yyyy-MM-dd] [--kind k]</c>. A backfill (<see cref="Since"/>) runs the job every
/// <see cref="Every"/> days back from <see cref="Until"/> (default yesterday) down to <see cref="Since"/>.
/// </summary>
public sealed record JobArguments(DateOnly? Date, string? Kind, bool Matrix = false, bool Percentages = false)
{
    /// <summary>The longest backfill: ten years.</summary>
    public const int MaxBackfillDays = 3660;

    public DateOnly? Since { get; init; }
    public DateOnly? Until { get; init; }
    public int Every { get; init; } = 1;

    public static JobArguments Parse(string command, IReadOnlyList<string> args, bool allowKind)
    {
        DateOnly? date = null, since = null, until = null;
        int? every = null;
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
                case "--since" when !allowKind:
                    since = ParseDate("--since", value);
                    break;
                case "--until" when !allowKind:
                    until = ParseDate("--until", value);
                    break;
                case "--every" when !allowKind:
                    if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) || days is < 1 or > 366)
                        throw new JobArgumentException($"--every needs a number of days from 1 to 366, e.g. --every 7 (got '{value}')");
                    every = days;
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
                    throw new JobArgumentException($"unknown option '{args[i]}' for {command}; it takes {(allowKind ? "--date yyyy-MM-dd, --kind <kind> and --matrix [--percent]" : "--date yyyy-MM-dd, or --since yyyy-MM-dd [--until yyyy-MM-dd] [--every N]")}");
            }
        }
        if (date is not null && (since is not null || until is not null || every is not null))
            throw new JobArgumentException("--date runs one date; --since, --until and --every a backfill: give one or the other");
        if (since is null && (until is not null || every is not null))
            throw new JobArgumentException("--until and --every go with --since: --since yyyy-MM-dd [--until yyyy-MM-dd] [--every N]");
        if ((matrix || percentages) && kind is not null && kind != MetricKinds.Retention)
            throw new JobArgumentException($"--matrix and --percent print the retention cohorts; they do not apply to --kind {kind}");
        return new JobArguments(date, matrix || percentages ? MetricKinds.Retention : kind, matrix || percentages, percentages)
        {
            Since = since,
            Until = until,
            Every = every ?? 1,
        };
    }

    /// <summary>
    /// The dates of the backfill, oldest first: every <see cref="Every"/> days back from <see cref="Until"/>
    /// (<paramref name="defaultUntil"/> when not given) down to <see cref="Since"/>.
    /// </summary>
    public IReadOnlyList<DateOnly> BackfillDates(DateOnly defaultUntil)
    {
        if (Since is not { } since) throw new InvalidOperationException("Not a backfill: --since was not given.");
        var until = Until ?? defaultUntil;
        if (since > until)
            throw new JobArgumentException($"--since {new AsOf(since).Text} is after --until {new AsOf(until).Text}");
        if (until.DayNumber - since.DayNumber > MaxBackfillDays)
            throw new JobArgumentException($"--since {new AsOf(since).Text} to --until {new AsOf(until).Text} is longer than {MaxBackfillDays} days");
        return DailyJobRunner.HistoryDates(since, until, Every);
    }

    private static DateOnly ParseDate(string option, string? value)
    {
        if (value is null) throw new JobArgumentException($"{option} needs a value: {option} yyyy-MM-dd");
        if (!AsOf.TryParse(value, out var parsed))
            throw new JobArgumentException($"{option} '{value}' is not a date: use yyyy-MM-dd, e.g. {option} 2026-11-29");
        return parsed;
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
