using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Journey.Functions.Tests.Deployment;

/// <summary>
/// infra/main.bicep compiled (<c>bicep build --stdout</c>) and linted (<c>bicep lint</c>) once per
/// test run, both at the same time; the tests that read the infrastructure read the ARM JSON the
/// compiler made, not the Bicep text.
/// </summary>
public static class CompiledInfra
{
    public const string MainBicep = "infra/main.bicep";

    private static readonly Lazy<Task<Compilation>> Once = new(CompileAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<Compilation> CompilationAsync() => Once.Value;

    /// <summary>The compiled template of main.bicep; throws with the compiler's output when it did not compile.</summary>
    public static async Task<ArmTemplate> MainAsync()
    {
        var compilation = await CompilationAsync();
        return compilation.Template ?? throw new InvalidOperationException($"{MainBicep} did not compile:\n{compilation.Build.Report(withStandardOutput: false)}");
    }

    private static async Task<Compilation> CompileAsync()
    {
        var build = BicepCli.RunAsync("build", MainBicep, "--stdout", "--no-restore");
        var lint = BicepCli.RunAsync("lint", MainBicep, "--no-restore");
        await Task.WhenAll(build, lint);

        ArmTemplate? template = null;
        if ((await build).ExitCode == 0)
            template = new ArmTemplate(JsonNode.Parse((await build).StandardOutput)?.AsObject() ?? throw new InvalidOperationException("bicep build printed no JSON object."));
        return new Compilation(await build, await lint, template);
    }
}

/// <summary>The two runs of the compiler over main.bicep and, when the build succeeded, its template.</summary>
public sealed record Compilation(BicepRun Build, BicepRun Lint, ArmTemplate? Template);

/// <summary>
/// A compiled ARM template (the top one or a module's nested one): its parameters, variables,
/// resources and outputs, with the few look-ups the deployment tests need.
/// </summary>
public sealed partial class ArmTemplate(JsonObject template)
{
    public const string DeploymentType = "Microsoft.Resources/deployments";

    public JsonObject Json => template;

    /// <summary>Every resource (a template's resources are an array, or an object by symbolic name in language version 2.0).</summary>
    public IEnumerable<JsonObject> Resources =>
        template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject symbolic => symbolic.Select(p => p.Value!.AsObject()),
            _ => [],
        };

    public IEnumerable<JsonObject> ResourcesOfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public JsonObject SingleResource(string type)
    {
        var found = ResourcesOfType(type).ToArray();
        return found.Length == 1 ? found[0] : throw new InvalidOperationException($"Expected one {type} resource, found {found.Length}.");
    }

    /// <summary>The deployment resource of the module deployed under <paramref name="name"/> (<c>module x '…' = { name: '…' }</c>).</summary>
    public JsonObject ModuleDeployment(string name) =>
        ResourcesOfType(DeploymentType).SingleOrDefault(r => (string?)r["name"] == name)
        ?? throw new InvalidOperationException($"No module deployed as '{name}'.");

    /// <summary>The nested template of the module deployed under <paramref name="name"/>.</summary>
    public ArmTemplate Module(string name) => new(ModuleDeployment(name)["properties"]!["template"]!.AsObject());

    /// <summary>The value (an ARM expression or a literal) that this template passes to a module's parameter.</summary>
    public string ModuleParameter(string module, string parameter) =>
        (string?)ModuleDeployment(module)["properties"]!["parameters"]![parameter]?["value"]
        ?? throw new InvalidOperationException($"The module '{module}' is given no string value for '{parameter}'.");

    /// <summary>The condition of a module (<c>module x '…' = if (…)</c>), or null.</summary>
    public string? ModuleCondition(string module) => (string?)ModuleDeployment(module)["condition"];

    public JsonObject Parameter(string name) =>
        template["parameters"]?[name]?.AsObject() ?? throw new InvalidOperationException($"No parameter '{name}'.");

    public JsonNode Variable(string name) =>
        template["variables"]?[name] ?? throw new InvalidOperationException($"No variable '{name}'.");

    public IReadOnlyList<string> OutputNames => template["outputs"]?.AsObject().Select(p => p.Key).ToArray() ?? [];

    /// <summary>
    /// <paramref name="expression"/> with every <c>variables('name')</c> of a string variable replaced by
    /// the quoted value: role definition ids are named variables in rbac.bicep.
    /// </summary>
    public string InlineStringVariables(string expression) =>
        VariableReference().Replace(expression, m =>
            template["variables"]?[m.Groups["name"].Value] is JsonValue v && v.TryGetValue<string>(out var text) && !text.StartsWith('[')
                ? $"'{text}'"
                : m.Value);

    /// <summary>The value of variable <c>x</c> when <paramref name="expression"/> is just <c>[variables('x')]</c>; else the expression itself.</summary>
    public string Expand(string expression)
    {
        var whole = WholeVariable().Match(expression);
        return whole.Success && Variable(whole.Groups["name"].Value) is JsonValue v && v.TryGetValue<string>(out var text) ? text : expression;
    }

    /// <summary>The expression that reads parameter <paramref name="name"/> as a whole value.</summary>
    public static string ParameterReference(string name) => $"[parameters('{name}')]";

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$")]
    private static partial Regex WholeVariable();
}
