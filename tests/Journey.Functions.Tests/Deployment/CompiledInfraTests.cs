using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Journey.Adapters.Actions.EventHubs;
using Journey.Functions.Hosting;
using Journey.Functions.Tests.Support;

namespace Journey.Functions.Tests.Deployment;

/// <summary>
/// infra/main.bicep compiles and lints with no error and no warning, and the ARM JSON it compiles to
/// deploys what the app needs: the custom runtime on Flex Consumption, a value for every setting the
/// code reads in Azure, the CORS origins of the collector, and the data roles of the app's identity.
/// </summary>
public sealed partial class CompiledInfraTests
{
    // Azure built-in role definitions (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string EventHubsDataSender = "2b629674-e913-4c01-ae53-ef4638d8f975";
    private const string EventHubsDataReceiver = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string CognitiveServicesOpenAIUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";

    // Cosmos DB data-plane role definitions of every account (sqlRoleDefinitions).
    private const string CosmosBuiltInDataReader = "00000000-0000-0000-0000-000000000001";
    private const string CosmosBuiltInDataContributor = "00000000-0000-0000-0000-000000000002";

    private const string StorageAccounts = "Microsoft.Storage/storageAccounts";
    private const string EventHubNamespaces = "Microsoft.EventHub/namespaces";
    private const string InsightsComponents = "Microsoft.Insights/components";
    private const string CognitiveServicesAccounts = "Microsoft.CognitiveServices/accounts";
    private const string CosmosAccounts = "Microsoft.DocumentDB/databaseAccounts";

    /// <summary>The settings the app or the Functions host reads in Azure: Bicep must give each a value.</summary>
    private static readonly string[] SetInAzure =
    [
        SettingNames.AzureWebJobsStorageAccountName,
        SettingNames.AzureWebJobsStorageCredential,
        SettingNames.AzureWebJobsStorageClientId,
        SettingNames.ApplicationInsightsConnectionString,
        SettingNames.ApplicationInsightsAuthenticationString,
        SettingNames.EventHubConnectionNamespace,
        SettingNames.EventHubConnectionCredential,
        SettingNames.EventHubConnectionClientId,
        SettingNames.EventHubName,
        SettingNames.EventHubConsumerGroup,
        SettingNames.CosmosConnectionEndpoint,
        SettingNames.CosmosConnectionCredential,
        SettingNames.CosmosConnectionClientId,
        SettingNames.CosmosDatabaseName,
        SettingNames.CosmosCreateIfMissing,
        SettingNames.DailyMetricsSchedule,
        SettingNames.PainPointsSchedule,
        SettingNames.ActionsSchedule,
        SettingNames.CollectorWriteKeys,
        SettingNames.CollectorAllowedOrigins,
        SettingNames.CollectorAnonymizeIp,
        SettingNames.CollectorDoNotTrack,
        SettingNames.SummarizerEnabled,
        SettingNames.OpenAIEndpoint,
        SettingNames.OpenAIDeployment,
        SettingNames.OpenAIEmbeddingDeployment,
        SettingNames.OpenAIClientId,
        SettingNames.ActionsEventHubNamespace,
        SettingNames.ActionsEventHubName,
    ];

    /// <summary>The other settings of <see cref="SettingNames"/>, and why Azure leaves each out.</summary>
    private static readonly Dictionary<string, string> NotSetInAzure = new(StringComparer.Ordinal)
    {
        [SettingNames.EventHubConnection] = "a connection string: the namespace has local (SAS) auth disabled",
        [SettingNames.CosmosConnection] = "a connection string: the account has local (key) auth disabled",
        [SettingNames.AzureWebJobsStorage] = "a connection string: the storage account allows no shared key",
        [SettingNames.FunctionsWorkerRuntime] = "on Flex Consumption the runtime is functionAppConfig.runtime",
        [SettingNames.OtlpEndpoint] = "Application Insights receives the telemetry in Azure",
        [SettingNames.TelemetrySummaryInterval] = "the code default",
        [SettingNames.CollectorOptOutCookie] = "the code default",
        [SettingNames.CollectorPublicUrl] = "the request's own host",
        [SettingNames.AdminApiKey] = "Functions keys guard the admin API",
        [SettingNames.OpenAIApiKey] = "the Azure OpenAI resource has key auth disabled",
        [SettingNames.OpenAIMaxTokensPerRun] = "the code default",
        [SettingNames.OpenAIMaxCostPerRun] = "the code default",
        [SettingNames.OpenAIChatInputPricePer1KTokens] = "the code default",
        [SettingNames.OpenAIChatOutputPricePer1KTokens] = "the code default",
        [SettingNames.OpenAIEmbeddingPricePer1KTokens] = "the code default",
        [SettingNames.OpenAIEmbeddingBatchSize] = "the code default",
        [SettingNames.OpenAIEmbeddingMaxCharsPerRequest] = "the code default",
        [SettingNames.OpenAIMaxRetries] = "the code default",
        [SettingNames.OpenAIMaxRetryDelay] = "the code default",
        [SettingNames.ActionsSmtpHost] = "set by the shop",
        [SettingNames.ActionsSmtpPort] = "set by the shop",
        [SettingNames.ActionsSmtpFrom] = "set by the shop",
        [SettingNames.ActionsSmtpUser] = "set by the shop",
        [SettingNames.ActionsSmtpPassword] = "set by the shop",
        [SettingNames.ActionsSmtpTls] = "set by the shop",
        [SettingNames.ActionsSmtpTimeout] = "set by the shop",
        [SettingNames.ActionsPublicBaseUrl] = "set by the shop",
        [SettingNames.ActionsShopName] = "set by the shop",
        [SettingNames.ActionsUnsubscribeSecret] = "set by the shop",
        [SettingNames.ActionsEmailsPerCustomerPerWeek] = "set by the shop",
        [SettingNames.StorageDataDirectory] = "local mode only (SQLite and the embedded stream)",
        [SettingNames.ProcessorEnabled] = "local mode only (the embedded stream)",
        [SettingNames.StreamPartitions] = "local mode only (the embedded stream)",
        [SettingNames.StreamBatchSize] = "local mode only (the embedded stream)",
        [SettingNames.SqliteSynchronous] = "local mode only (SQLite)",
        [SettingNames.JourneySessionTimeout] = "the code default",
        [SettingNames.JourneyCartAbandonmentWindow] = "the code default",
        [SettingNames.JourneyRetentionOnPostPurchaseEngagement] = "the code default",
        [SettingNames.DailyJobMonthlyDiscountRate] = "the code default",
        [SettingNames.DailyJobMinimumRepeatCustomers] = "the code default",
        [SettingNames.DailyJobBestCustomersShare] = "the code default",
        [SettingNames.DailyJobAtRiskAfter] = "the code default",
        [SettingNames.DailyJobLapsedAfter] = "the code default",
        [SettingNames.DailyJobAtRiskBelowProbabilityAlive] = "the code default",
        [SettingNames.DailyJobLapsedBelowProbabilityAlive] = "the code default",
        [SettingNames.FeedbackTextProperties] = "the code default",
        [SettingNames.FeedbackMaxTextLength] = "the code default",
        [SettingNames.SummarizerPeriodDays] = "the code default",
        [SettingNames.SummarizerMaxNegativeRating] = "the code default",
        [SettingNames.SummarizerMaxNegativeScoreShare] = "the code default",
        [SettingNames.SummarizerIncludeUnscored] = "the code default",
        [SettingNames.SummarizerMinClusters] = "the code default",
        [SettingNames.SummarizerMaxClusters] = "the code default",
        [SettingNames.SummarizerMinClusterSize] = "the code default",
        [SettingNames.SummarizerRunInBackground] = "local mode's schedule; Azure runs the PainPoints timer",
        [SettingNames.SummarizerUtcTimeOfDay] = "local mode's schedule; Azure runs the PainPoints timer",
        [SettingNames.DailyJobRunInBackground] = "local mode's schedule; Azure runs the DailyMetrics timer",
        [SettingNames.DailyJobUtcTimeOfDay] = "local mode's schedule; Azure runs the DailyMetrics timer",
        [SettingNames.ActionsWebhookUrl] = "set by the shop",
        [SettingNames.ActionsWebhookSecret] = "set by the shop",
        [SettingNames.ActionsWebhookTimeout] = "the code default",
        [SettingNames.ActionsEventHubConnectionString] = "a connection string: the namespace has local (SAS) auth disabled",
    };

    [Fact]
    public async Task MainBicep_Builds_WithNoErrorAndNoWarning()
    {
        var build = (await CompiledInfra.CompilationAsync()).Build;

        Assert.True(build.ExitCode == 0 && build.ErrorsAndWarnings.Count == 0, build.Report(withStandardOutput: false));
        Assert.True(JsonNode.Parse(build.StandardOutput) is JsonObject, "bicep build --stdout printed no JSON object.");
    }

    [Fact]
    public async Task MainBicep_Lints_WithNoErrorAndNoWarning()
    {
        var lint = (await CompiledInfra.CompilationAsync()).Lint;

        Assert.True(lint.ExitCode == 0 && lint.ErrorsAndWarnings.Count == 0, lint.Report(withStandardOutput: true));
    }

    [Fact]
    public async Task FunctionApp_RunsTheCustomRuntime_OnFlexConsumption()
    {
        var api = (await CompiledInfra.MainAsync()).Module("api");
        var site = api.SingleResource("Microsoft.Web/sites");
        var plan = api.SingleResource("Microsoft.Web/serverfarms");

        Assert.Equal("custom", (string?)site["properties"]!["functionAppConfig"]!["runtime"]!["name"]);
        Assert.Equal("1.0", (string?)site["properties"]!["functionAppConfig"]!["runtime"]!["version"]);
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.Equal("blobContainer", (string?)site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["type"]);
    }

    [Fact]
    public void EverySettingName_IsEitherSetInAzure_OrLeftOutForAReason()
    {
        Assert.Empty(SetInAzure.Intersect(NotSetInAzure.Keys));
        Assert.Equal(
            SettingNames.All.Order(StringComparer.Ordinal),
            SetInAzure.Concat(NotSetInAzure.Keys).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AppSettings_GiveEverySettingTheCodeReadsInAzure_AValue_AndNoOther()
    {
        var settings = AppSettings(await CompiledInfra.MainAsync());

        Assert.Equal(SetInAzure.Order(StringComparer.Ordinal), settings.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var setting in ConsistencyTests.FunctionJsonSettings().Where(s => s != SettingNames.EventHubConnection))
            Assert.True(settings.ContainsKey(setting), $"{setting} (read by a function.json) has no value in Azure.");
    }

    [Fact]
    public async Task AppSettings_ConnectWithTheAppsIdentity()
    {
        var main = await CompiledInfra.MainAsync();
        var settings = AppSettings(main);
        var site = main.Module("api").SingleResource("Microsoft.Web/sites");

        foreach (var connection in new[] { "AzureWebJobsStorage", "EventHubConnection", "CosmosConnection" })
        {
            Assert.Equal("managedidentity", (string?)settings[connection + "__credential"]);
            Assert.Equal(ArmTemplate.ParameterReference("identityClientId"), (string?)settings[connection + "__clientId"]);
        }
        Assert.Contains("identityClientId", (string?)settings[SettingNames.OpenAIClientId], StringComparison.Ordinal);
        Assert.Equal("false", (string?)settings[SettingNames.CosmosCreateIfMissing]);

        // The identity the settings name is the one the site runs as and the one rbac.bicep grants roles to.
        Assert.Contains("'apiIdentity'", main.ModuleParameter("api", "identityClientId"), StringComparison.Ordinal);
        Assert.Contains("'apiIdentity'", main.ModuleParameter("api", "identityId"), StringComparison.Ordinal);
        Assert.Contains("'apiIdentity'", main.ModuleParameter("rbac", "appPrincipalId"), StringComparison.Ordinal);
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        Assert.Contains("parameters('identityId')", site["identity"]!["userAssignedIdentities"]!.AsObject().Single().Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_OfTheSite_AndOfTheCollector_ComeFromTheAllowedOriginsParameter()
    {
        var main = await CompiledInfra.MainAsync();
        var api = main.Module("api");
        var cors = api.SingleResource("Microsoft.Web/sites")["properties"]!["siteConfig"]!["cors"]!;

        Assert.Equal(ArmTemplate.ParameterReference("collectorAllowedOrigins"), main.ModuleParameter("api", "collectorAllowedOrigins"));
        Assert.Equal(ArmTemplate.ParameterReference("collectorAllowedOrigins"), (string?)AppSettings(main)[SettingNames.CollectorAllowedOrigins]);

        var origins = api.Expand((string?)cors["allowedOrigins"] ?? throw new InvalidOperationException("siteConfig.cors.allowedOrigins is not an expression."));
        Assert.Contains("split(parameters('collectorAllowedOrigins'), ',')", origins, StringComparison.Ordinal);
        // Credentials (reflected origin) whenever origins are listed; never with "*", which the platform refuses.
        var credentials = (string?)cors["supportCredentials"] ?? throw new InvalidOperationException("siteConfig.cors.supportCredentials is not an expression.");
        Assert.Equal("[not(contains(variables('corsAllowedOrigins'), '*'))]", credentials);
        Assert.Contains("split(parameters('collectorAllowedOrigins'), ',')", api.Expand("[variables('corsAllowedOrigins')]"), StringComparison.Ordinal);

        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.parameters.json")))!["parameters"]!;
        Assert.StartsWith("${JOURNEY_ALLOWED_ORIGINS", (string?)parameters["collectorAllowedOrigins"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntraSignIn_IsOptional_AndLeavesTheCollectorsRoutesOpen()
    {
        var main = await CompiledInfra.MainAsync();
        Assert.Equal("", (string?)main.Parameter("dashboardSignInClientId")["defaultValue"]);
        Assert.Equal(ArmTemplate.ParameterReference("dashboardSignInClientId"), main.ModuleParameter("api", "signInClientId"));

        var auth = main.Module("api").ResourcesOfType("Microsoft.Web/sites/config").Single(r => ((string?)r["name"])!.Contains("authsettingsV2", StringComparison.Ordinal));
        Assert.Equal("[not(empty(parameters('signInClientId')))]", (string?)auth["condition"]);
        var validation = auth["properties"]!["globalValidation"]!;
        Assert.True((bool)validation["requireAuthentication"]!);
        // Every public route of the collector (function.json routes with authLevel anonymous) stays open.
        Assert.Equal(["/health", "/i", "/journey.js", "/unsubscribe", "/v1"], validation["excludedPaths"]!.AsArray().Select(p => (string)p!).Order(StringComparer.Ordinal));
        Assert.Equal("[parameters('signInClientId')]", (string?)auth["properties"]!["identityProviders"]!["azureActiveDirectory"]!["registration"]!["clientId"]);
    }

    [Fact]
    public async Task RoleAssignments_GiveTheAppsIdentity_ItsDataRoles()
    {
        var grants = Grants((await CompiledInfra.MainAsync()).Module("rbac"));

        Assert.Equal(
            Sorted(
            [
                new Grant("appPrincipalId", StorageBlobDataOwner, StorageAccounts, null),
                new Grant("appPrincipalId", StorageTableDataContributor, StorageAccounts, null),
                new Grant("appPrincipalId", EventHubsDataSender, EventHubNamespaces, null),
                new Grant("appPrincipalId", EventHubsDataReceiver, EventHubNamespaces, null),
                new Grant("appPrincipalId", MonitoringMetricsPublisher, InsightsComponents, null),
                new Grant("appPrincipalId", CosmosBuiltInDataContributor, CosmosAccounts, null),
            ]),
            Sorted(grants.Where(g => g.Principal == "appPrincipalId" && g.Condition is null)));

        var openAI = Assert.Single(grants, g => g.Principal == "appPrincipalId" && g.Role == CognitiveServicesOpenAIUser);
        Assert.Equal(CognitiveServicesAccounts, openAI.Scope);
        Assert.Equal("[variables('hasOpenAI')]", openAI.Condition);

        // Host queues serve only blob triggers and Durable Functions: never granted unless asked for.
        var queue = Assert.Single(grants, g => g.Role == StorageQueueDataContributor);
        Assert.Equal("[parameters('enableQueue')]", queue.Condition);
    }

    [Fact]
    public async Task RoleAssignments_GiveTheDeveloper_TheAppsRoles_AndReaders_CosmosRead()
    {
        var grants = Grants((await CompiledInfra.MainAsync()).Module("rbac"));

        foreach (var app in grants.Where(g => g.Principal == "appPrincipalId" && g.Role != StorageQueueDataContributor))
        {
            var user = Assert.Single(grants, g => g.Principal == "userPrincipalId" && g.Role == app.Role && g.Scope == app.Scope);
            Assert.Contains("variables('hasUser')", user.Condition, StringComparison.Ordinal);
            if (app.Condition is not null) Assert.Contains(app.Condition.Trim('[', ']'), user.Condition, StringComparison.Ordinal);
        }
        Assert.Equal(
            new[] { new Grant("readerPrincipalIds", CosmosBuiltInDataReader, CosmosAccounts, null) },
            grants.Where(g => g.Principal == "readerPrincipalIds"));
    }

    [Fact]
    public async Task RoleAssignments_ReachTheOpenAIResource_OnlyWhenItIsDeployed()
    {
        var main = await CompiledInfra.MainAsync();

        Assert.Equal(ArmTemplate.ParameterReference("deployOpenAI"), main.ModuleCondition("openai"));
        var openAIName = main.ModuleParameter("rbac", "openAIName");
        Assert.Contains("'openai'", openAIName, StringComparison.Ordinal);
        Assert.Contains("outputs', 'name'", openAIName, StringComparison.Ordinal);
        Assert.Contains("if(parameters('deployOpenAI')", openAIName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAI_DeploysAChatAndAnEmbeddingsModel_UnderTheNamesTheAppReads()
    {
        var main = await CompiledInfra.MainAsync();
        var openAI = main.Module("openai");
        var settings = AppSettings(main);

        var deployments = openAI.ResourcesOfType("Microsoft.CognitiveServices/accounts/deployments").ToArray();
        Assert.Equal(2, deployments.Length);
        var chat = Assert.Single(deployments, d => (string?)d["properties"]!["model"]!["name"] == ArmTemplate.ParameterReference("chatModelName"));
        var embeddings = Assert.Single(deployments, d => (string?)d["properties"]!["model"]!["name"] == ArmTemplate.ParameterReference("embeddingModelName"));
        Assert.Contains("parameters('chatDeploymentName')", (string?)chat["name"], StringComparison.Ordinal);
        // The account takes one deployment operation at a time: the embeddings wait for the chat model.
        Assert.Contains(embeddings["dependsOn"]!.AsArray(), d => ((string?)d)?.Contains("parameters('chatDeploymentName')", StringComparison.Ordinal) == true);
        Assert.True((bool?)openAI.SingleResource(CognitiveServicesAccounts)["properties"]!["disableLocalAuth"]);

        Assert.Equal("[parameters('openAIChatModelName')]", main.ModuleParameter("openai", "chatModelName"));
        Assert.Equal("[parameters('openAIEmbeddingModelName')]", main.ModuleParameter("openai", "embeddingModelName"));
        Assert.Equal("gpt-4.1-mini", (string?)main.Parameter("openAIChatModelName")["defaultValue"]);
        Assert.Equal("text-embedding-3-small", (string?)main.Parameter("openAIEmbeddingModelName")["defaultValue"]);

        Assert.Equal(ArmTemplate.ParameterReference("openAIDeployment"), (string?)settings[SettingNames.OpenAIDeployment]);
        Assert.Equal(ArmTemplate.ParameterReference("openAIEmbeddingDeployment"), (string?)settings[SettingNames.OpenAIEmbeddingDeployment]);
        Assert.Contains("'chatDeploymentName'", main.ModuleParameter("api", "openAIDeployment"), StringComparison.Ordinal);
        Assert.Contains("'embeddingDeploymentName'", main.ModuleParameter("api", "openAIEmbeddingDeployment"), StringComparison.Ordinal);
        Assert.Contains("OPENAI_EMBEDDING_DEPLOYMENT", main.OutputNames);
    }

    [Fact]
    public async Task ActionsEventHub_IsAHubWithItsConsumersGroup_InTheStreamsNamespace_AndTheAppSendsToIt()
    {
        var main = await CompiledInfra.MainAsync();
        var eventHubs = main.Module("eventhubs");
        var settings = AppSettings(main);

        // The hub and its consumer group, both under the switch (on by default).
        Assert.Equal(EventHubActionOptions.DefaultName, (string?)main.Variable("actionsEventHubName"));
        Assert.Equal("actions-consumers", (string?)main.Variable("actionsConsumerGroup"));
        Assert.True((bool?)main.Parameter("deployActionsEventHub")["defaultValue"]);
        Assert.Equal(ArmTemplate.ParameterReference("deployActionsEventHub"), main.ModuleParameter("eventhubs", "deployActionsEventHub"));
        Assert.Equal("[variables('actionsEventHubName')]", main.ModuleParameter("eventhubs", "actionsEventHubName"));
        var groups = main.ModuleDeployment("eventhubs")["properties"]!["parameters"]!["actionsConsumerGroups"]!["value"]!.AsArray();
        Assert.Equal(["[variables('actionsConsumerGroup')]"], groups.Select(g => (string?)g));

        var hub = Assert.Single(eventHubs.ResourcesOfType("Microsoft.EventHub/namespaces/eventhubs"), r => ((string?)r["name"])!.Contains("parameters('actionsEventHubName')", StringComparison.Ordinal));
        Assert.Equal(ArmTemplate.ParameterReference("deployActionsEventHub"), (string?)hub["condition"]);
        Assert.Contains("parameters('name')", (string?)hub["name"], StringComparison.Ordinal);
        Assert.Equal(ArmTemplate.ParameterReference("actionsPartitionCount"), (string?)hub["properties"]!["partitionCount"]);
        var group = Assert.Single(eventHubs.ResourcesOfType("Microsoft.EventHub/namespaces/eventhubs/consumergroups"), r => ((string?)r["name"])!.Contains("parameters('actionsEventHubName')", StringComparison.Ordinal));
        Assert.Equal(ArmTemplate.ParameterReference("deployActionsEventHub"), (string?)group["condition"]);
        Assert.Contains("parameters('actionsConsumerGroups')[copyIndex()]", (string?)group["name"], StringComparison.Ordinal);

        // The app's settings name that hub in the stream's namespace, and only when it is deployed.
        Assert.Equal(ArmTemplate.ParameterReference("deployActionsEventHub"), main.ModuleParameter("api", "sendActionsToEventHub"));
        Assert.Equal("[variables('actionsEventHubName')]", main.ModuleParameter("api", "actionsEventHubName"));
        Assert.Equal("[if(parameters('sendActionsToEventHub'), parameters('eventHubFullyQualifiedNamespace'), '')]", (string?)settings[SettingNames.ActionsEventHubNamespace]);
        Assert.Equal(ArmTemplate.ParameterReference("actionsEventHubName"), (string?)settings[SettingNames.ActionsEventHubName]);
        Assert.False(settings.ContainsKey(SettingNames.ActionsEventHubConnectionString));
        Assert.Contains("'eventhubs'", main.ModuleParameter("api", "eventHubFullyQualifiedNamespace"), StringComparison.Ordinal);

        // Sending needs no role of its own: the app's Data Sender is on the namespace, which holds both hubs.
        Assert.Contains(Grants(main.Module("rbac")), g => g is { Principal: "appPrincipalId", Role: EventHubsDataSender, Scope: EventHubNamespaces, Condition: null });
        Assert.Contains("'eventhubs'", main.ModuleParameter("rbac", "eventHubNamespaceName"), StringComparison.Ordinal);
        Assert.Contains("ACTIONS_EVENTHUB_NAME", main.OutputNames);
        Assert.Contains("ACTIONS_EVENTHUB_CONSUMER_GROUP", main.OutputNames);
    }

    [Fact]
    public async Task Location_IsOneOfTheRegionsWithFlexConsumption()
    {
        var allowed = (await CompiledInfra.MainAsync()).Parameter("location")["allowedValues"]?.AsArray().Select(v => (string)v!).ToArray() ?? [];

        Assert.NotEmpty(allowed);
        Assert.Contains("eastus", allowed);
        Assert.Contains("westeurope", allowed);
        Assert.DoesNotContain("eastus2euap", allowed);
        Assert.All(allowed, region => Assert.Matches("^[a-z0-9]+$", region));
        Assert.Equal(allowed.Length, allowed.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>The function app's settings in the compiled template (the site's appsettings config).</summary>
    internal static JsonObject AppSettings(ArmTemplate main) =>
        main.Module("api").ResourcesOfType("Microsoft.Web/sites/config")
            .Single(r => ((string?)r["name"])?.Contains("'appsettings'", StringComparison.Ordinal) == true)["properties"]!.AsObject();

    /// <summary>A role assignment: whose (the rbac.bicep parameter naming the principal), which role, on which resource type, under what condition.</summary>
    private sealed record Grant(string Principal, string Role, string Scope, string? Condition);

    private static Grant[] Sorted(IEnumerable<Grant> grants) =>
        grants.OrderBy(g => $"{g.Principal}|{g.Role}|{g.Scope}|{g.Condition}", StringComparer.Ordinal).ToArray();

    private static List<Grant> Grants(ArmTemplate rbac)
    {
        var grants = new List<Grant>();
        foreach (var assignment in rbac.ResourcesOfType("Microsoft.Authorization/roleAssignments"))
            grants.Add(ToGrant(rbac, assignment, (string?)assignment["scope"]));
        foreach (var assignment in rbac.ResourcesOfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"))
        {
            Assert.Contains("/sqlRoleDefinitions/", (string?)assignment["properties"]!["roleDefinitionId"], StringComparison.Ordinal);
            grants.Add(ToGrant(rbac, assignment, (string?)assignment["properties"]!["scope"]));
        }
        return grants;
    }

    private static Grant ToGrant(ArmTemplate rbac, JsonObject assignment, string? scope)
    {
        var properties = assignment["properties"]!;
        var principal = ParameterName().Match((string?)properties["principalId"] ?? "");
        var role = RoleGuid().Match(rbac.InlineStringVariables((string?)properties["roleDefinitionId"] ?? ""));
        var scopeType = ResourceIdType().Match(scope ?? "");
        Assert.True(principal.Success && role.Success && scopeType.Success, $"A role assignment this test cannot read: {assignment.ToJsonString()}");
        return new Grant(principal.Groups["name"].Value, role.Value, scopeType.Groups["type"].Value, (string?)assignment["condition"]);
    }

    [GeneratedRegex(@"parameters\('(?<name>[^']+)'\)")]
    private static partial Regex ParameterName();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex RoleGuid();

    [GeneratedRegex(@"resourceId\('(?<type>[^']+)'")]
    private static partial Regex ResourceIdType();
}
