using System.Text.RegularExpressions;

namespace Journey.Functions.Tests.Deployment;

/// <summary>
/// Reads the few facts the consistency tests need from the Bicep sources as text (no Bicep
/// compiler here): the keys of an object variable, the container definitions of db.bicep, the
/// outputs and parameter defaults of main.bicep. It expects the layout those files keep: one
/// property per line, a block closed by a brace or bracket at the start of a line.
/// </summary>
public static partial class BicepText
{
    /// <summary>A container of <c>var containers</c> in db.bicep.</summary>
    public sealed record Container(string Name, string PartitionKeyPath, IReadOnlyList<string> IncludedPaths, IReadOnlyList<string> ExcludedPaths);

    /// <summary>The lines of the top-level block opened by <paramref name="opening"/>, up to its closing line.</summary>
    public static IReadOnlyList<string> Block(string bicep, string opening, string closing)
    {
        var lines = bicep.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var start = Array.FindIndex(lines, l => l.TrimEnd() == opening);
        if (start < 0) throw new InvalidOperationException($"No line '{opening}' in the Bicep file.");
        var end = Array.FindIndex(lines, start + 1, l => l == closing);
        if (end < 0) throw new InvalidOperationException($"The block '{opening}' is not closed by a line '{closing}'.");
        return lines[(start + 1)..end];
    }

    /// <summary>The keys of the object variable <paramref name="name"/> (<c>var name = { … }</c>).</summary>
    public static IReadOnlyList<string> ObjectKeys(string bicep, string name) =>
        Block(bicep, $"var {name} = {{", "}")
            .Select(line => TopLevelKey().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["key"].Value)
            .ToArray();

    /// <summary>The containers of <c>var containers = [ … ]</c>.</summary>
    public static IReadOnlyList<Container> Containers(string bicep)
    {
        var containers = new List<Container>();
        string? name = null, partitionKey = null;
        List<string>? included = null, excluded = null, current = null;
        foreach (var raw in Block(bicep, "var containers = [", "]"))
        {
            var line = raw.Trim();
            if (line == "{")
            {
                name = partitionKey = null;
                included = [];
                excluded = [];
                current = null;
            }
            else if (line == "}")
            {
                containers.Add(new Container(
                    name ?? throw new InvalidOperationException("A container has no name."),
                    partitionKey ?? throw new InvalidOperationException($"The container {name} has no partitionKeyPath."),
                    included!,
                    excluded!));
            }
            else if (line == "]") current = null;
            else if (line.StartsWith("name:", StringComparison.Ordinal)) name = Quoted(line);
            else if (line.StartsWith("partitionKeyPath:", StringComparison.Ordinal)) partitionKey = Quoted(line);
            else if (line.StartsWith("includedPaths:", StringComparison.Ordinal)) current = included;
            else if (line.StartsWith("excludedPaths:", StringComparison.Ordinal)) current = excluded;
            else if (current is not null && line.StartsWith('\'')) current.Add(Quoted(line));
        }
        return containers;
    }

    /// <summary>The names of the template's outputs.</summary>
    public static IReadOnlyList<string> Outputs(string bicep) =>
        OutputLine().Matches(bicep).Select(m => m.Groups["name"].Value).ToArray();

    /// <summary>The default of a string parameter (<c>param name string = '…'</c>).</summary>
    public static string ParameterDefault(string bicep, string name)
    {
        var match = Regex.Match(bicep, $@"^param {Regex.Escape(name)} string = '(?<value>[^']*)'", RegexOptions.Multiline);
        return match.Success ? match.Groups["value"].Value : throw new InvalidOperationException($"No string parameter {name} with a default.");
    }

    private static string Quoted(string line)
    {
        var match = QuotedValue().Match(line);
        return match.Success ? match.Groups["value"].Value : throw new InvalidOperationException($"No quoted value in '{line}'.");
    }

    [GeneratedRegex(@"^  (?<key>[A-Za-z_][A-Za-z0-9_]*)\s*:")]
    private static partial Regex TopLevelKey();

    [GeneratedRegex(@"'(?<value>[^']*)'")]
    private static partial Regex QuotedValue();

    [GeneratedRegex(@"^output (?<name>[A-Za-z_][A-Za-z0-9_]*) ", RegexOptions.Multiline)]
    private static partial Regex OutputLine();
}
