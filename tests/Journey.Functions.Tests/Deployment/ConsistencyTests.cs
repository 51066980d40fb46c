using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Journey.Adapters.Store.Cosmos;
using Journey.Adapters.Stream.EventHubs;
using Journey.Functions.Hosting;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Deployment;

/// <summary>
/// One name for each setting everywhere: the function.json files, the app settings of the compiled
/// infra/main.bicep, <see cref="SettingNames"/> (the code) and local.settings.sample.json; and the
/// same Cosmos DB containers in the compiled template and in <see cref="CosmosContainers"/>.
/// </summary>
public sealed partial class ConsistencyTests
{
    /// <summary>The settings behind an identity-based connection named in function.json (besides the name itself, a connection string).</summary>
    private static readonly string[] IdentityConnectionSuffixes = ["__fullyQualifiedNamespace", "__credential", "__clientId"];

    private static string RepoFile(params string[] parts) => File.ReadAllText(Path.Combine([RepoPaths.Root, .. parts]));

    private static string[] SampleSettings()
    {
        var sample = JsonNode.Parse(RepoFile("local.settings.sample.json"))!.AsObject();
        Assert.False(sample["IsEncrypted"]!.GetValue<bool>());
        return sample["Values"]!.AsObject().Select(p => p.Key).ToArray();
    }

    /// <summary>Every setting a function.json reads: <c>%Name%</c> values and connections with their identity settings.</summary>
    internal static string[] FunctionJsonSettings()
    {
        var folder = Path.Combine(RepoPaths.Root, "functions", "Journey.Functions", "FunctionApp");
        var settings = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "function.json", SearchOption.AllDirectories))
        {
            foreach (var binding in JsonNode.Parse(File.ReadAllText(file))!["bindings"]!.AsArray())
            {
                foreach (var (key, value) in binding!.AsObject())
                {
                    if (value is not JsonValue v || !v.TryGetValue<string>(out var text)) continue;
                    foreach (Match m in SettingReference().Matches(text)) settings.Add(m.Groups["name"].Value);
                    if (key == "connection")
                    {
                        settings.Add(text);
                        foreach (var suffix in IdentityConnectionSuffixes) settings.Add(text + suffix);
                    }
                }
            }
        }
        return settings.ToArray();
    }

    private static async Task<IReadOnlyList<string>> BicepAppSettingsAsync() =>
        CompiledInfraTests.AppSettings(await CompiledInfra.MainAsync()).Select(p => p.Key).ToArray();

    /// <summary>The containers of db.bicep's <c>containers</c> variable, as compiled.</summary>
    private static async Task<IReadOnlyList<CosmosContainer>> BicepContainersAsync() =>
        (await CompiledInfra.MainAsync()).Module("db").Variable("containers").AsArray()
            .Select(c => new CosmosContainer(
                (string)c!["name"]!,
                (string)c["partitionKeyPath"]!,
                c["includedPaths"]!.AsArray().Select(p => (string)p!).ToArray(),
                c["excludedPaths"]!.AsArray().Select(p => (string)p!).ToArray()))
            .ToArray();

    private sealed record CosmosContainer(string Name, string PartitionKeyPath, IReadOnlyList<string> IncludedPaths, IReadOnlyList<string> ExcludedPaths);

    [Fact]
    public void FunctionJsonSettings_AreFound()
    {
        Assert.Equal(
            [
                "ActionsSchedule",
                "DailyMetricsSchedule",
                "EventHubConnection",
                "EventHubConnection__clientId",
                "EventHubConnection__credential",
                "EventHubConnection__fullyQualifiedNamespace",
                "EventHubConsumerGroup",
                "EventHubName",
                "PainPointsSchedule",
            ],
            FunctionJsonSettings());
    }

    [Fact]
    public void EverySettingOfFunctionJson_IsInTheSampleAndInSettingNames()
    {
        var sample = SampleSettings();
        foreach (var setting in FunctionJsonSettings())
        {
            Assert.Contains(setting, sample);
            Assert.Contains(setting, SettingNames.All);
        }
    }

    [Fact]
    public async Task EveryBicepAppSetting_IsInTheSampleAndInSettingNames()
    {
        var bicep = await BicepAppSettingsAsync();
        Assert.Contains(SettingNames.EventHubConnectionNamespace, bicep);

        var sample = SampleSettings();
        foreach (var setting in bicep)
        {
            Assert.Contains(setting, sample);
            Assert.Contains(setting, SettingNames.All);
        }
    }

    [Fact]
    public async Task BicepAppSettings_GiveEveryFunctionJsonSettingAValue_ByIdentity()
    {
        var bicep = await BicepAppSettingsAsync();
        foreach (var setting in FunctionJsonSettings().Where(s => s != SettingNames.EventHubConnection))
            Assert.Contains(setting, bicep);
        Assert.DoesNotContain(SettingNames.EventHubConnection, bicep);
        Assert.DoesNotContain(SettingNames.CosmosConnection, bicep);
        Assert.DoesNotContain(SettingNames.AzureWebJobsStorage, bicep);
    }

    [Fact]
    public async Task BicepAppSettings_LeaveTheRuntimeToFlexConsumption()
    {
        var bicep = await BicepAppSettingsAsync();

        Assert.DoesNotContain(SettingNames.FunctionsWorkerRuntime, bicep);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", bicep);
    }

    [Theory]
    [InlineData("local.settings.sample.json")]
    [InlineData("infra/scripts/postprovision.sh")]
    [InlineData("infra/scripts/postprovision.ps1")]
    public void FunctionsWorkerRuntime_IsCustom_WhereverItIsSet(string file)
    {
        var text = RepoFile(file.Split('/'));

        var values = WorkerRuntimeValue().Matches(text).Select(m => m.Groups["value"].Value).ToArray();
        Assert.NotEmpty(values);
        Assert.All(values, value => Assert.Equal("custom", value));
    }

    [Fact]
    public void EverySettingName_IsInTheSample()
    {
        var sample = SampleSettings();
        foreach (var setting in SettingNames.All) Assert.Contains(setting, sample);
    }

    [Fact]
    public void ReadmeLinksToDeployDocs_NameSectionsThatExist()
    {
        // GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens.
        var anchors = RepoFile("docs", "deploy.md").Split('\n')
            .Where(line => line.StartsWith('#'))
            .Select(line => string.Concat(line.TrimStart('#').Trim().ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

        var links = DeployDocsAnchor().Matches(RepoFile("README.md")).Select(m => m.Groups["anchor"].Value).ToArray();
        Assert.Contains("how-this-was-verified-and-what-was-not", links);
        foreach (var link in links) Assert.True(anchors.Contains(link), $"README.md links to docs/deploy.md#{link}, a section docs/deploy.md does not have.");
    }

    [Fact]
    public void EverySettingName_HasARowInTheDeployDocsSettingsTable()
    {
        var docs = RepoFile("docs", "deploy.md");
        var start = docs.IndexOf("\n## Settings\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/deploy.md has no '## Settings' section.");
        var end = docs.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? docs[start..] : docs[start..end];

        // The first column of each row names one setting or several (`A` / `B`).
        var documented = section.Split('\n')
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(line => BacktickedName().Matches(line.Split('|')[1]).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var setting in SettingNames.All)
            Assert.True(documented.Contains(setting), $"docs/deploy.md's settings table has no row for {setting}.");
    }

    [Fact]
    public async Task EverySampleSetting_IsReadSomewhere()
    {
        var used = FunctionJsonSettings().Concat(await BicepAppSettingsAsync()).Concat(SettingNames.All).ToHashSet(StringComparer.Ordinal);
        var sample = SampleSettings();

        Assert.Equal(sample.Distinct(StringComparer.Ordinal).Count(), sample.Length);
        foreach (var setting in sample) Assert.Contains(setting, used);
    }

    [Fact]
    public void SettingNamesAll_ListsEveryConstantOnce()
    {
        var constants = typeof(SettingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

        Assert.Equal(constants.Order(StringComparer.Ordinal), SettingNames.All.Order(StringComparer.Ordinal));
        Assert.Equal(SettingNames.All.Count, SettingNames.All.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task CosmosStoreOptions_ReadTheSettingNames()
    {
        Assert.Equal(SettingNames.CosmosConnection, CosmosStoreOptions.ConnectionStringSetting);
        Assert.Equal(SettingNames.CosmosConnectionEndpoint, CosmosStoreOptions.AccountEndpointSetting);
        Assert.Equal(SettingNames.CosmosConnectionClientId, CosmosStoreOptions.ClientIdSetting);
        Assert.Equal(SettingNames.CosmosDatabaseName, $"{CosmosStoreOptions.SectionName}__{nameof(CosmosStoreOptions.DatabaseName)}");
        Assert.Equal(SettingNames.CosmosCreateIfMissing, $"{CosmosStoreOptions.SectionName}__{nameof(CosmosStoreOptions.CreateIfMissing)}");
        Assert.Equal(new CosmosStoreOptions().DatabaseName, (string?)(await CompiledInfra.MainAsync()).Variable("cosmosDatabaseName"));
    }

    [Fact]
    public async Task EventHubsOptions_ReadTheSettingNames_AndNameTheHubBicepCreates()
    {
        Assert.Equal(SettingNames.EventHubConnection, EventHubsOptions.ConnectionSetting);
        Assert.Equal(SettingNames.EventHubConnectionNamespace, EventHubsOptions.NamespaceSetting);
        Assert.Equal(SettingNames.EventHubConnectionClientId, EventHubsOptions.ClientIdSetting);
        Assert.Equal(SettingNames.EventHubConnectionCredential, EventHubsOptions.CredentialSetting);
        Assert.Equal(SettingNames.EventHubName, EventHubsOptions.HubNameSetting);
        Assert.Equal(EventHubsOptions.DefaultHubName, (string?)(await CompiledInfra.MainAsync()).Variable("eventHubName"));
        Assert.Equal(EventHubsOptions.DefaultHubName, JsonNode.Parse(RepoFile("local.settings.sample.json"))!["Values"]![SettingNames.EventHubName]!.GetValue<string>());
    }

    [Fact]
    public async Task TimerSchedules_DefaultTheSameInBicepAndTheSample()
    {
        var main = await CompiledInfra.MainAsync();
        var sample = JsonNode.Parse(RepoFile("local.settings.sample.json"))!["Values"]!;
        string Default(string parameter) => (string?)main.Parameter(parameter)["defaultValue"] ?? throw new InvalidOperationException($"{parameter} has no default.");

        Assert.Equal("0 0 2 * * *", Default("dailyMetricsSchedule"));
        Assert.Equal("0 30 2 * * *", Default("painPointsSchedule"));
        Assert.Equal("0 */2 * * * *", Default("actionsSchedule"));
        Assert.Equal(Default("actionsSchedule"), sample[SettingNames.ActionsSchedule]!.GetValue<string>());
        Assert.Equal(ArmTemplate.ParameterReference("actionsSchedule"), main.ModuleParameter("api", "actionsSchedule"));
        Assert.Equal(Default("dailyMetricsSchedule"), sample[SettingNames.DailyMetricsSchedule]!.GetValue<string>());
        Assert.Equal(Default("painPointsSchedule"), sample[SettingNames.PainPointsSchedule]!.GetValue<string>());
        Assert.Equal(ArmTemplate.ParameterReference("dailyMetricsSchedule"), main.ModuleParameter("api", "dailyMetricsSchedule"));
        Assert.Equal(ArmTemplate.ParameterReference("painPointsSchedule"), main.ModuleParameter("api", "painPointsSchedule"));
    }

    [Fact]
    public async Task BicepContainers_AreTheCodesContainers()
    {
        var bicep = await BicepContainersAsync();

        Assert.Equal(CosmosContainers.All.Select(c => c.Name), bicep.Select(c => c.Name));
        foreach (var expected in CosmosContainers.All)
        {
            var actual = bicep.Single(c => c.Name == expected.Name);
            Assert.Equal(expected.PartitionKeyPath, actual.PartitionKeyPath);
            Assert.Equal(expected.IncludedPaths.Order(StringComparer.Ordinal), actual.IncludedPaths.Order(StringComparer.Ordinal));
            Assert.Equal(expected.ExcludedPaths.Order(StringComparer.Ordinal), actual.ExcludedPaths.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task BicepContainers_AreTheProductsContainers()
    {
        var bicep = (await BicepContainersAsync()).ToDictionary(c => c.Name, c => c.PartitionKeyPath);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["customers"] = "/id",
                ["transitions"] = "/customerId",
                ["metrics"] = "/kind",
                ["painpoints"] = "/period",
                ["feedback"] = "/period",
                ["actions"] = "/customerId",
                ["suppressions"] = "/id",
                ["deadletter"] = "/day",
            },
            bicep);
    }

    [Theory]
    [InlineData("postprovision.sh")]
    [InlineData("postprovision.ps1")]
    public async Task PostprovisionHook_ReadsOnlyOutputsOfMainBicep_AndWritesSampleSettings(string script)
    {
        var text = RepoFile("infra", "scripts", script);
        var outputs = (await CompiledInfra.MainAsync()).OutputNames;
        var sample = SampleSettings();

        var read = HookRead().Matches(text).Select(m => m.Groups["name"].Value).Distinct().ToArray();
        Assert.NotEmpty(read);
        foreach (var name in read) Assert.Contains(name, outputs);

        var written = HookWrite().Matches(text).Select(m => m.Groups["name"].Value).Except(["IsEncrypted", "Values"]).ToArray();
        Assert.Contains(SettingNames.EventHubConnectionNamespace, written);
        Assert.Contains(SettingNames.CosmosConnectionEndpoint, written);
        foreach (var name in written) Assert.Contains(name, sample);
    }

    [GeneratedRegex("%(?<name>[^%]+)%")]
    private static partial Regex SettingReference();

    [GeneratedRegex("`(?<name>[^`]+)`")]
    private static partial Regex BacktickedName();

    [GeneratedRegex(@"\(docs/deploy\.md#(?<anchor>[^)\s]+)\)")]
    private static partial Regex DeployDocsAnchor();

    /// <summary>FUNCTIONS_WORKER_RUNTIME given a value: JSON, a sh heredoc or a pwsh hashtable.</summary>
    [GeneratedRegex(@"['""]FUNCTIONS_WORKER_RUNTIME['""]\s*[:=]\s*['""](?<value>[^'""]*)['""]")]
    private static partial Regex WorkerRuntimeValue();

    /// <summary>An azd output the hook reads: <c>value NAME</c> (sh) or <c>Get-Value 'NAME'</c> (pwsh).</summary>
    [GeneratedRegex(@"(?:\bvalue |Get-Value ')(?<name>[A-Z][A-Z0-9_]+)\b")]
    private static partial Regex HookRead();

    /// <summary>A setting the hook writes: a quoted key followed by a colon (sh heredoc) or an equals sign (pwsh hashtable).</summary>
    [GeneratedRegex(@"^\s*['""](?<name>[A-Za-z][A-Za-z0-9_]*)['""]\s*[:=]", RegexOptions.Multiline)]
    private static partial Regex HookWrite();
}
