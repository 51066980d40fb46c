namespace Journey.Functions.Hosting;

/// <summary>
/// Every app setting Journey reads, under the one name used in the function.json files, the Bicep
/// app settings (<c>infra/app/api.bicep</c>), <c>local.settings.sample.json</c> and the code.
/// A double underscore is the configuration section separator (<c>Collector__WriteKeys</c> is
/// <c>Collector:WriteKeys</c>). <c>docs/deploy.md</c> describes each one.
/// </summary>
public static class SettingNames
{
    // Event Hubs: the stream in Azure (function.json "connection": "EventHubConnection").

    /// <summary>Event Hubs SAS connection string; local and test runs only (the namespace in Azure has local auth disabled).</summary>
    public const string EventHubConnection = "EventHubConnection";

    /// <summary>Event Hubs namespace host name, <c>{namespace}.servicebus.windows.net</c>: the identity-based connection.</summary>
    public const string EventHubConnectionNamespace = "EventHubConnection__fullyQualifiedNamespace";

    /// <summary><c>managedidentity</c> in Azure; absent locally, where DefaultAzureCredential (your az login) is used.</summary>
    public const string EventHubConnectionCredential = "EventHubConnection__credential";

    /// <summary>Client id of the user-assigned managed identity used for Event Hubs.</summary>
    public const string EventHubConnectionClientId = "EventHubConnection__clientId";

    /// <summary>The event hub the collector sends to and ProcessEvents reads (function.json <c>%EventHubName%</c>).</summary>
    public const string EventHubName = "EventHubName";

    /// <summary>The consumer group ProcessEvents reads with (function.json <c>%EventHubConsumerGroup%</c>).</summary>
    public const string EventHubConsumerGroup = "EventHubConsumerGroup";

    // Cosmos DB: the store in Azure.

    /// <summary>Cosmos DB connection string (<c>AccountEndpoint=…;AccountKey=…</c>); local and test runs only (the emulator, a test server).</summary>
    public const string CosmosConnection = "CosmosConnection";

    /// <summary>Cosmos DB account endpoint, <c>https://{account}.documents.azure.com:443/</c>: the identity-based connection.</summary>
    public const string CosmosConnectionEndpoint = "CosmosConnection__accountEndpoint";

    /// <summary><c>managedidentity</c> in Azure; absent locally, where DefaultAzureCredential is used.</summary>
    public const string CosmosConnectionCredential = "CosmosConnection__credential";

    /// <summary>Client id of the user-assigned managed identity used for Cosmos DB.</summary>
    public const string CosmosConnectionClientId = "CosmosConnection__clientId";

    /// <summary>The Cosmos DB database holding the containers (default <c>journey</c>).</summary>
    public const string CosmosDatabaseName = "Cosmos__DatabaseName";

    /// <summary>Create the database and containers when missing (true locally); false in Azure, where infra/ creates them.</summary>
    public const string CosmosCreateIfMissing = "Cosmos__CreateIfMissing";

    // The Functions host's own storage (Event Hubs checkpoints, timer locks, keys).

    /// <summary>Host storage connection string; local <c>func start</c> only (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public const string AzureWebJobsStorage = "AzureWebJobsStorage";

    /// <summary>Host storage account name: the identity-based connection.</summary>
    public const string AzureWebJobsStorageAccountName = "AzureWebJobsStorage__accountName";

    /// <summary><c>managedidentity</c> in Azure.</summary>
    public const string AzureWebJobsStorageCredential = "AzureWebJobsStorage__credential";

    /// <summary>Client id of the user-assigned managed identity used for host storage.</summary>
    public const string AzureWebJobsStorageClientId = "AzureWebJobsStorage__clientId";

    /// <summary><c>custom</c> for local <c>func start</c> only; never an app setting on Flex Consumption (the runtime is <c>functionAppConfig.runtime</c>).</summary>
    public const string FunctionsWorkerRuntime = "FUNCTIONS_WORKER_RUNTIME";

    // Application Insights.

    /// <summary>Application Insights connection string (host telemetry and the app's own).</summary>
    public const string ApplicationInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>ClientId={id};Authorization=AAD</c>: Entra auth for telemetry (the component has local auth disabled).</summary>
    public const string ApplicationInsightsAuthenticationString = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>OTLP endpoint (an OpenTelemetry Collector, the Aspire dashboard…): when set, Journey's metrics and logs are also exported over OTLP; the other OTEL_* variables apply.</summary>
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>How often the local metrics summary is logged (default 00:01:00 when nothing exports; 00:00:00 turns it off).</summary>
    public const string TelemetrySummaryInterval = "Telemetry__SummaryInterval";

    // Timers (six-field NCRONTAB, seconds first, UTC).

    /// <summary>When the daily job runs (function.json <c>%DailyMetricsSchedule%</c>; default <c>0 0 2 * * *</c>).</summary>
    public const string DailyMetricsSchedule = "DailyMetricsSchedule";

    /// <summary>When the summarizer runs (function.json <c>%PainPointsSchedule%</c>; default <c>0 30 2 * * *</c>).</summary>
    public const string PainPointsSchedule = "PainPointsSchedule";

    /// <summary>When the outbox delivers due actions (function.json <c>%ActionsSchedule%</c>; default <c>0 */2 * * * *</c>).</summary>
    public const string ActionsSchedule = "ActionsSchedule";

    // Collector.

    /// <summary>Accepted write keys, comma-separated; none configured means <c>journey-local</c>.</summary>
    public const string CollectorWriteKeys = "Collector__WriteKeys";

    /// <summary>CORS origins, comma-separated; <c>*</c> for any.</summary>
    public const string CollectorAllowedOrigins = "Collector__AllowedOrigins";

    /// <summary>Truncate client IPs (IPv4 /24, IPv6 /48) before they reach the stream.</summary>
    public const string CollectorAnonymizeIp = "Collector__AnonymizeIp";

    /// <summary>What happens to events from <c>DNT: 1</c> or the opt-out cookie: <c>Drop</c>, <c>Anonymize</c> or <c>Ignore</c>.</summary>
    public const string CollectorDoNotTrack = "Collector__DoNotTrack";

    /// <summary>The cookie that opts a browser out like DNT (default <c>journey_optout</c>).</summary>
    public const string CollectorOptOutCookie = "Collector__OptOutCookie";

    /// <summary>Public base URL given to analytics.js in its settings document; default: the request's own host.</summary>
    public const string CollectorPublicUrl = "Collector__PublicUrl";

    // Admin API.

    /// <summary>Admin key for runs outside Azure; in Azure the Admin function's Functions keys guard the API.</summary>
    public const string AdminApiKey = "Admin__ApiKey";

    // Summarizer and Azure OpenAI.

    /// <summary>Turns the pain-point summarizer's timer and local schedule on (default true: the local method needs no network and no key; the command and the API run whatever this says).</summary>
    public const string SummarizerEnabled = "Summarizer__Enabled";

    /// <summary>Days in a pain-point period, ending with the last complete day (default 30).</summary>
    public const string SummarizerPeriodDays = "Summarizer__PeriodDays";

    /// <summary>Reviews rated at or below this are negative signals (default 3).</summary>
    public const string SummarizerMaxNegativeRating = "Summarizer__MaxNegativeRating";

    /// <summary>Survey and feedback scores in this low share of their scale are negative (default 0.6: 1-3 of 5, 0-6 of 10).</summary>
    public const string SummarizerMaxNegativeScoreShare = "Summarizer__MaxNegativeScoreShare";

    /// <summary>Unscored feedback and free-text answers count as negative signals (default true).</summary>
    public const string SummarizerIncludeUnscored = "Summarizer__IncludeUnscored";

    /// <summary>Bounds of the number of pain points the clustering chooses (defaults 6 and 12; the lower bound in full from 600 negative texts, else one per 100 texts, at least 2).</summary>
    public const string SummarizerMinClusters = "Summarizer__MinClusters";

    public const string SummarizerMaxClusters = "Summarizer__MaxClusters";

    /// <summary>Fewer texts than this make no pain point; they go to "other" (default 5).</summary>
    public const string SummarizerMinClusterSize = "Summarizer__MinClusterSize";

    /// <summary>Local mode: run the summarizer in the background of the app (default true; Azure uses the PainPoints timer).</summary>
    public const string SummarizerRunInBackground = "Summarizer__RunInBackground";

    /// <summary>Local mode: the UTC time of day of the background run (default 00:40:00, after the daily job).</summary>
    public const string SummarizerUtcTimeOfDay = "Summarizer__UtcTimeOfDay";

    /// <summary>Azure OpenAI v1 endpoint, <c>https://{resource}.openai.azure.com/openai/v1/</c>.</summary>
    public const string OpenAIEndpoint = "OpenAI__Endpoint";

    /// <summary>The chat model deployment name.</summary>
    public const string OpenAIDeployment = "OpenAI__Deployment";

    /// <summary>The embeddings model deployment name (the summarizer clusters texts by their embeddings).</summary>
    public const string OpenAIEmbeddingDeployment = "OpenAI__EmbeddingDeployment";

    /// <summary>API key; local runs only (the resource in Azure has local auth disabled).</summary>
    public const string OpenAIApiKey = "OpenAI__ApiKey";

    /// <summary>Client id of the user-assigned managed identity used for Azure OpenAI; absent locally (DefaultAzureCredential).</summary>
    public const string OpenAIClientId = "OpenAI__ClientId";

    /// <summary>Tokens one summarizer run may spend on Azure OpenAI, chat and embeddings together (default 1000000).</summary>
    public const string OpenAIMaxTokensPerRun = "OpenAI__MaxTokensPerRun";

    /// <summary>What one summarizer run may spend on Azure OpenAI, in the prices' currency (default 1.00).</summary>
    public const string OpenAIMaxCostPerRun = "OpenAI__MaxCostPerRun";

    /// <summary>Price of 1,000 chat input tokens (default 0.0004, gpt-4.1-mini in US dollars).</summary>
    public const string OpenAIChatInputPricePer1KTokens = "OpenAI__ChatInputPricePer1KTokens";

    /// <summary>Price of 1,000 chat output tokens (default 0.0016, gpt-4.1-mini in US dollars).</summary>
    public const string OpenAIChatOutputPricePer1KTokens = "OpenAI__ChatOutputPricePer1KTokens";

    /// <summary>Price of 1,000 embeddings tokens (default 0.00002, text-embedding-3-small in US dollars).</summary>
    public const string OpenAIEmbeddingPricePer1KTokens = "OpenAI__EmbeddingPricePer1KTokens";

    /// <summary>Most texts in one embeddings request (default 64).</summary>
    public const string OpenAIEmbeddingBatchSize = "OpenAI__EmbeddingBatchSize";

    /// <summary>Most characters in one embeddings request (default 32000).</summary>
    public const string OpenAIEmbeddingMaxCharsPerRequest = "OpenAI__EmbeddingMaxCharsPerRequest";

    /// <summary>Retries of a throttled or failed Azure OpenAI call (default 3).</summary>
    public const string OpenAIMaxRetries = "OpenAI__MaxRetries";

    /// <summary>Longest wait before a retry; a longer retry-after fails the call (default 00:01:00).</summary>
    public const string OpenAIMaxRetryDelay = "OpenAI__MaxRetryDelay";

    /// <summary>The SMTP server of the email destination; empty: no email is sent.</summary>
    public const string ActionsSmtpHost = "Actions__Smtp__Host";

    /// <summary>The SMTP server's port (default 587).</summary>
    public const string ActionsSmtpPort = "Actions__Smtp__Port";

    /// <summary>The sender of the emails, <c>shop@example.com</c> or <c>Shop &lt;shop@example.com&gt;</c>.</summary>
    public const string ActionsSmtpFrom = "Actions__Smtp__From";

    /// <summary>The SMTP login; empty: no authentication.</summary>
    public const string ActionsSmtpUser = "Actions__Smtp__User";

    /// <summary>The SMTP password.</summary>
    public const string ActionsSmtpPassword = "Actions__Smtp__Password";

    /// <summary><c>Auto</c> (STARTTLS when offered; default), <c>StartTls</c>, <c>SslOnConnect</c> or <c>None</c>.</summary>
    public const string ActionsSmtpTls = "Actions__Smtp__Tls";

    /// <summary>How long one SMTP operation may take (default 00:00:30).</summary>
    public const string ActionsSmtpTimeout = "Actions__Smtp__Timeout";

    /// <summary>The app's public address; unsubscribe links are <c>{it}/unsubscribe?t=…</c>.</summary>
    public const string ActionsPublicBaseUrl = "Actions__PublicBaseUrl";

    /// <summary>The shop's name in the emails (default "our shop").</summary>
    public const string ActionsShopName = "Actions__ShopName";

    /// <summary>Signs the unsubscribe links: base64 of at least 32 random bytes.</summary>
    public const string ActionsUnsubscribeSecret = "Actions__UnsubscribeSecret";

    /// <summary>Most emails to one customer in 7 days (default 2); more are skipped.</summary>
    public const string ActionsEmailsPerCustomerPerWeek = "Actions__EmailsPerCustomerPerWeek";

    // Local mode (embedded stream and SQLite store) and the journey rules.

    /// <summary>The local data folder (stream and SQLite store); <c>--data</c> on the command line; default <c>./.journey</c>.</summary>
    public const string StorageDataDirectory = "Storage__DataDirectory";

    /// <summary>Whether this process applies the embedded stream (false: a collector-only node).</summary>
    public const string ProcessorEnabled = "Processor__Enabled";

    /// <summary>Partitions of the embedded stream (fixed once its folder exists).</summary>
    public const string StreamPartitions = "Stream__Partitions";

    /// <summary>Most events the local dispatcher hands to the processor at once.</summary>
    public const string StreamBatchSize = "Stream__BatchSize";

    /// <summary>SQLite durability: Full (default) or Normal.</summary>
    public const string SqliteSynchronous = "SqliteStore__Synchronous";

    /// <summary>Inactivity that ends a session (default 00:30:00).</summary>
    public const string JourneySessionTimeout = "Journey__SessionTimeout";

    /// <summary>A cart with items and no order within this is abandoned (default 1.00:00:00).</summary>
    public const string JourneyCartAbandonmentWindow = "Journey__CartAbandonmentWindow";

    /// <summary>Post-purchase engagement also moves a customer to Retention (default false).</summary>
    public const string JourneyRetentionOnPostPurchaseEngagement = "Journey__RetentionOnPostPurchaseEngagement";

    /// <summary>Monthly discount rate of the 12-month predicted CLV (default 0.01).</summary>
    public const string DailyJobMonthlyDiscountRate = "DailyJob__MonthlyDiscountRate";

    /// <summary>Repeat customers needed before the CLV models are fitted (default 20).</summary>
    public const string DailyJobMinimumRepeatCustomers = "DailyJob__MinimumRepeatCustomers";

    /// <summary>Share of the buyers that are "best customers" (default 0.1: the top decile by predicted CLV).</summary>
    public const string DailyJobBestCustomersShare = "DailyJob__BestCustomersShare";

    /// <summary>Without activity this long by the job's date, a customer is at risk (default 90.00:00:00; repeat buyers: P(alive) once the model is fitted).</summary>
    public const string DailyJobAtRiskAfter = "DailyJob__AtRiskAfter";

    /// <summary>Without activity this long by the job's date, a customer has lapsed (default 180.00:00:00).</summary>
    public const string DailyJobLapsedAfter = "DailyJob__LapsedAfter";

    /// <summary>A repeat buyer whose P(alive) is below this is at risk (default 0.5).</summary>
    public const string DailyJobAtRiskBelowProbabilityAlive = "DailyJob__AtRiskBelowProbabilityAlive";

    /// <summary>A repeat buyer whose P(alive) is below this has lapsed (default 0.2).</summary>
    public const string DailyJobLapsedBelowProbabilityAlive = "DailyJob__LapsedBelowProbabilityAlive";

    /// <summary>Free-text properties captured as feedback on any event, comma-separated (default none; reviews, feedback, surveys and cancel, refund and return reasons are always captured).</summary>
    public const string FeedbackTextProperties = "Feedback__TextProperties";

    /// <summary>Longest feedback text kept, in characters after redaction (default 5000); longer ones are cut at a word.</summary>
    public const string FeedbackMaxTextLength = "Feedback__MaxTextLength";

    /// <summary>Local mode: run the daily job in the background of the app (default true; Azure uses the DailyMetrics timer).</summary>
    public const string DailyJobRunInBackground = "DailyJob__RunInBackground";

    /// <summary>Local mode: the UTC time of day of the background run (default 00:10:00).</summary>
    public const string DailyJobUtcTimeOfDay = "DailyJob__UtcTimeOfDay";

    // Actions: webhook destinations (Standard Webhooks).

    /// <summary>The webhook receiver of every action (absolute http or https address); empty: no webhook.</summary>
    public const string ActionsWebhookUrl = "Actions__WebhookUrl";

    /// <summary>The signing secret of <see cref="ActionsWebhookUrl"/>: <c>whsec_</c> and the base64 of 24 to 64 random bytes.</summary>
    public const string ActionsWebhookSecret = "Actions__WebhookSecret";

    /// <summary>How long a webhook delivery may take before it is retried later (default 00:00:10).</summary>
    public const string ActionsWebhookTimeout = "Actions__WebhookTimeout";

    // Actions: the Event Hub destination (journey-actions).

    /// <summary>Namespace host of the actions' event hub, <c>{namespace}.servicebus.windows.net</c> (Microsoft Entra auth); with the connection string empty too: no Event Hub destination.</summary>
    public const string ActionsEventHubNamespace = "Actions__EventHub__FullyQualifiedNamespace";

    /// <summary>SAS connection string of the actions' event hub; local and test runs only.</summary>
    public const string ActionsEventHubConnectionString = "Actions__EventHub__ConnectionString";

    /// <summary>The actions' event hub (default <c>journey-actions</c>).</summary>
    public const string ActionsEventHubName = "Actions__EventHub__Name";

    /// <summary>Every setting above, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        EventHubConnection,
        EventHubConnectionNamespace,
        EventHubConnectionCredential,
        EventHubConnectionClientId,
        EventHubName,
        EventHubConsumerGroup,
        CosmosConnection,
        CosmosConnectionEndpoint,
        CosmosConnectionCredential,
        CosmosConnectionClientId,
        CosmosDatabaseName,
        CosmosCreateIfMissing,
        AzureWebJobsStorage,
        AzureWebJobsStorageAccountName,
        AzureWebJobsStorageCredential,
        AzureWebJobsStorageClientId,
        FunctionsWorkerRuntime,
        ApplicationInsightsConnectionString,
        ApplicationInsightsAuthenticationString,
        OtlpEndpoint,
        TelemetrySummaryInterval,
        DailyMetricsSchedule,
        PainPointsSchedule,
        ActionsSchedule,
        CollectorWriteKeys,
        CollectorAllowedOrigins,
        CollectorAnonymizeIp,
        CollectorDoNotTrack,
        CollectorOptOutCookie,
        CollectorPublicUrl,
        AdminApiKey,
        SummarizerEnabled,
        SummarizerPeriodDays,
        SummarizerMaxNegativeRating,
        SummarizerMaxNegativeScoreShare,
        SummarizerIncludeUnscored,
        SummarizerMinClusters,
        SummarizerMaxClusters,
        SummarizerMinClusterSize,
        SummarizerRunInBackground,
        SummarizerUtcTimeOfDay,
        OpenAIEndpoint,
        OpenAIDeployment,
        OpenAIEmbeddingDeployment,
        OpenAIApiKey,
        OpenAIClientId,
        OpenAIMaxTokensPerRun,
        OpenAIMaxCostPerRun,
        OpenAIChatInputPricePer1KTokens,
        OpenAIChatOutputPricePer1KTokens,
        OpenAIEmbeddingPricePer1KTokens,
        OpenAIEmbeddingBatchSize,
        OpenAIEmbeddingMaxCharsPerRequest,
        OpenAIMaxRetries,
        OpenAIMaxRetryDelay,
        ActionsSmtpHost,
        ActionsSmtpPort,
        ActionsSmtpFrom,
        ActionsSmtpUser,
        ActionsSmtpPassword,
        ActionsSmtpTls,
        ActionsSmtpTimeout,
        ActionsPublicBaseUrl,
        ActionsShopName,
        ActionsUnsubscribeSecret,
        ActionsEmailsPerCustomerPerWeek,
        StorageDataDirectory,
        ProcessorEnabled,
        StreamPartitions,
        StreamBatchSize,
        SqliteSynchronous,
        JourneySessionTimeout,
        JourneyCartAbandonmentWindow,
        JourneyRetentionOnPostPurchaseEngagement,
        DailyJobMonthlyDiscountRate,
        DailyJobMinimumRepeatCustomers,
        DailyJobBestCustomersShare,
        DailyJobAtRiskAfter,
        DailyJobLapsedAfter,
        DailyJobAtRiskBelowProbabilityAlive,
        DailyJobLapsedBelowProbabilityAlive,
        FeedbackTextProperties,
        FeedbackMaxTextLength,
        DailyJobRunInBackground,
        DailyJobUtcTimeOfDay,
        ActionsWebhookUrl,
        ActionsWebhookSecret,
        ActionsWebhookTimeout,
        ActionsEventHubNamespace,
        ActionsEventHubConnectionString,
        ActionsEventHubName,
    ];
}
