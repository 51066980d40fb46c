using Journey.Domain.Metrics;

namespace Journey.Functions.Jobs;

/// <summary>The options of <c>painpoints [--since yyyy-MM-dd] [--until yyyy-MM-dd] [--assignments file.csv]</c>.</summary>
public sealed record PainPointArguments(DateOnly? Since, DateOnly? Until, string? AssignmentsFile)
{
    public static PainPointArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        DateOnly? since = null, until = null;
        string? assignments = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? arg[..equals] : arg;
            string? value = equals > 0 && arg.StartsWith("--", StringComparison.Ordinal) ? arg[(equals + 1)..]
                : i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            switch (name)
            {
                case "--since":
                    since = Date(name, value);
                    break;
                case "--until":
                    until = Date(name, value);
                    break;
                case "--assignments":
                    if (string.IsNullOrWhiteSpace(value)) throw new JobArgumentException("--assignments needs a file: --assignments <file.csv>");
                    assignments = value;
                    break;
                default:
                    throw new JobArgumentException($"unknown option '{arg}' for painpoints; it takes --since yyyy-MM-dd, --until yyyy-MM-dd and --assignments <file.csv>");
            }
        }
        if (since is { } s && until is { } u && s > u)
            throw new JobArgumentException($"--since {new AsOf(s).Text} is after --until {new AsOf(u).Text}");
        if (since is { } a && until is { } b && b.DayNumber - a.DayNumber >= 366)
            throw new JobArgumentException($"the period {new AsOf(a).Text} to {new AsOf(b).Text} is longer than 366 days");
        return new PainPointArguments(since, until, assignments);
    }

    private static DateOnly Date(string name, string? value)
    {
        if (value is null) throw new JobArgumentException($"{name} needs a value: {name} yyyy-MM-dd");
        if (!AsOf.TryParse(value, out var date)) throw new JobArgumentException($"{name} '{value}' is not a date: use yyyy-MM-dd, e.g. {name} 2026-11-29");
        return date;
    }
}
