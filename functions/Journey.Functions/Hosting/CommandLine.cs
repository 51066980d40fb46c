namespace Journey.Functions.Hosting;

/// <summary>
/// Splits the process arguments into Journey's own (the command, <c>--data</c>, <c>--demo</c>)
/// and the rest, which go to the ASP.NET Core host (<c>--urls</c> and configuration overrides).
/// </summary>
public sealed record CommandLine(string? Command, IReadOnlyList<string> CommandArguments, string? DataDirectory, bool Demo, string[] HostArguments)
{
    public static readonly IReadOnlySet<string> Commands = new HashSet<string>(StringComparer.Ordinal) { "import", "daily", "metrics", "painpoints", "export" };

    public static CommandLine Parse(string[] args)
    {
        string? command = null;
        var commandArgs = new List<string>();
        var hostArgs = new List<string>();
        string? data = null;
        var demo = false;
        var start = 0;
        if (args.Length > 0 && Commands.Contains(args[0]))
        {
            command = args[0];
            start = 1;
        }
        else if (args.Length > 0 && !args[0].StartsWith('-'))
        {
            throw new CommandLineException($"unknown command '{args[0]}'; the commands are: {string.Join(", ", Commands)} (or none, to serve)");
        }
        for (var i = start; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--data")
            {
                if (i + 1 >= args.Length) throw new CommandLineException("--data needs a folder: --data <folder>");
                data = args[++i];
            }
            else if (a.StartsWith("--data=", StringComparison.Ordinal)) data = a["--data=".Length..];
            else if (a == "--demo" && command is null) demo = true;
            else if (command is not null && a != "--urls") commandArgs.Add(a);
            else hostArgs.Add(a);
        }
        if (data is not null && data.Trim().Length == 0) throw new CommandLineException("--data needs a folder name, not an empty string");
        return new CommandLine(command, commandArgs, data, demo, [.. hostArgs]);
    }
}

public sealed class CommandLineException(string message) : Exception(message);
