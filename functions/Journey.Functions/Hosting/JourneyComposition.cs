using Azure.Core;
using Journey.Application.Actions;
using Journey.Application.Metrics;
using Journey.Application.PainPoints;
using Journey.Application.Processing;
using Journey.Adapters.Actions.Webhooks;
using Journey.Adapters.Actions.Email;
using Journey.Adapters.Actions.EventHubs;
using Journey.Adapters.Identity;
using Journey.Adapters.Store.Cosmos;
using Journey.Adapters.Store.Sqlite;
using Journey.Functions.Privacy;
using Journey.Adapters.Stream.EventHubs;
using Journey.Adapters.Stream.Embedded;
using Journey.Adapters.Summaries;
using Journey.Domain.Feedback;
using Journey.Domain.Actions;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using Journey.Functions.Admin;
using Journey.Functions.Collector;
using Journey.Functions.Jobs;

namespace Journey.Functions.Hosting;

/// <summary>
/// The one composition root: which adapter serves each port. With no cloud settings the stream is
/// the embedded durable log (consumed by the local dispatcher) and the store is SQLite, both under
/// the data folder. With <c>EventHubConnection</c> settings the collector sends to Event Hubs (the
/// Functions host then delivers batches to <c>POST /ProcessEvents</c>); with <c>CosmosConnection</c>
/// settings the store is Cosmos DB; with <c>OpenAI__Endpoint</c> an Azure OpenAI client is registered.
/// Every Azure client that authenticates with Microsoft Entra gets the one <see cref="TokenCredential"/>
/// registered here (see <see cref="AzureIdentityOptions"/>): one identity, one token cache.
/// </summary>
public static class JourneyComposition
{
    /// <summary>Configuration key of the local data folder (<c>--data</c> on the command line).</summary>
    public const string DataDirectoryKey = "Storage:DataDirectory";

    /// <summary>Record the actions the rules call for even with no destination configured (they are marked skipped).</summary>
    public const string RecordActionsKey = "Actions:RecordWithoutDestination";

    /// <summary>Whether this process applies the embedded stream (default true).</summary>
    public const string ProcessorEnabledKey = "Processor:Enabled";

    public static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration[DataDirectoryKey] is { Length: > 0 } configured ? configured : ".journey");

    public static IServiceCollection AddJourney(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddJourneyOptions<JourneyRulesOptions>(JourneyRulesOptions.SectionName, o => o.Validate());
        services.AddJourneyOptions<CollectorOptions>(CollectorOptions.SectionName, o => o.Validate());
        services.AddJourneyOptions<AdminOptions>(AdminOptions.SectionName);
        AddAzureCredential(services);

        if (CosmosStoreOptions.IsConfiguredIn(configuration)) AddCosmosStore(services);
        else AddSqliteStore(services, configuration);

        if (EventHubsOptions.IsConfigured(configuration)) AddEventHubsStream(services);
        else AddEmbeddedStream(services, configuration);

        AddOpenAI(services, configuration);
        AddWebhookDestinations(services, configuration);
        AddEmail(services, configuration);
        AddEventHubActions(services, configuration);

        // The processor's pieces share one CustomerUpdate (it keeps each cached document's last fold)
        // and read through one cache of the documents they wrote last.
        services.AddSingleton(sp =>
        {
            var rules = sp.GetRequiredService<JourneyRulesOptions>();
            return new CustomerUpdate(new JourneyFold(rules), rules);
        });
        services.AddSingleton(sp => new CachedCustomerStore(sp.GetRequiredService<ICustomerStore>()));
        services.AddSingleton<CustomerWriter>();
        services.AddSingleton<IdentityStitcher>();
        services.AddJourneyOptions<FeedbackOptions>(FeedbackOptions.SectionName, o => o.Validate());
        services.AddSingleton<FeedbackExtractor>();
        services.AddSingleton<ICustomerChangeStep, FeedbackCapture>();
        services.AddSingleton<IJourneyProcessor, JourneyProcessor>();
        services.AddSingleton<CustomerLookup>();
        services.AddSingleton<CustomerViews>();
        services.AddSingleton<Dashboard.LiveOverview>();
        services.AddSingleton<CollectorService>();
        AddDailyJob(services, configuration);
        AddPainPoints(services, configuration);
        AddActions(services, configuration);
        services.AddPrivacy();
        return services;
    }

    private static void AddDailyJob(IServiceCollection services, IConfiguration configuration)
    {
        services.AddJourneyOptions<DailyJobOptions>(DailyJobOptions.SectionName, o => o.Validate());
        services.AddSingleton<DailyJob>();
        services.AddSingleton<DailyJobRunner>();

        // Local mode: the schedule runs in the background of the app that applies the stream (Azure
        // has the DailyMetrics timer; a collector-only node leaves the job to the processor's node).
        var appliesStream = configuration.GetValue(ProcessorEnabledKey, defaultValue: true);
        if (appliesStream && !EventHubsOptions.IsConfigured(configuration) && !CosmosStoreOptions.IsConfiguredIn(configuration))
        {
            services.AddJourneyOptions<DailyJobScheduleOptions>(DailyJobOptions.SectionName);
            services.AddHostedService(sp => new LocalDailySchedule(
                sp.GetRequiredService<DailyJobRunner>(), sp.GetRequiredService<IMetricsStore>(), sp.GetService<EmbeddedStreamDispatcher>(),
                sp.GetRequiredService<DailyJobScheduleOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LocalDailySchedule>>()));
        }
    }

    /// <summary>
    /// The pain-point summarizer: local sentence embeddings always (no network, no key); Azure OpenAI
    /// embeddings and names when <c>OpenAI__Endpoint</c> is set (<see cref="AddOpenAI"/>).
    /// </summary>
    private static void AddPainPoints(IServiceCollection services, IConfiguration configuration)
    {
        services.AddJourneyOptions<SummarizerOptions>(SummarizerOptions.SectionName, o => o.Validate());
        services.AddSingleton<MiniLmEmbedder>();
        services.AddSingleton(sp =>
        {
            var openAI = sp.GetService<OpenAIRunFactory>();
            Func<SummarizerRemote>? startRemoteRun = openAI is null ? null : () =>
            {
                var run = openAI.StartRun();
                return new SummarizerRemote(run.Embedder, run.Namer);
            };
            return new SummarizerEngines(sp.GetRequiredService<MiniLmEmbedder>(), startRemoteRun);
        });
        services.AddSingleton<PainPointJob>();
        services.AddSingleton<PainPointRunner>();

        var appliesStream = configuration.GetValue(ProcessorEnabledKey, defaultValue: true);
        if (appliesStream && !EventHubsOptions.IsConfigured(configuration) && !CosmosStoreOptions.IsConfiguredIn(configuration))
            services.AddHostedService(sp => new LocalPainPointSchedule(
                sp.GetRequiredService<PainPointRunner>(), sp.GetRequiredService<IPainPointStore>(), sp.GetService<EmbeddedStreamDispatcher>(),
                sp.GetRequiredService<SummarizerOptions>(), sp.GetRequiredService<DailyJobScheduleOptions>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<LocalPainPointSchedule>>()));
    }

    private static void AddSqliteStore(IServiceCollection services, IConfiguration configuration)
    {
        services.AddJourneyOptions<SqliteStoreOptions>(SqliteStoreOptions.SectionName, o => o.Validate())
            .PostConfigure(o =>
            {
                if (string.IsNullOrEmpty(o.DatabasePath)) o.DatabasePath = Path.Combine(LocalDataDirectory(configuration), SqliteStoreOptions.FileName);
            });
        services.AddSingleton<SqliteJourneyStore>();
        AddStorePorts<SqliteJourneyStore>(services);
        services.AddHostedService(sp => new StoreInitializer(sp.GetRequiredService<SqliteJourneyStore>().InitializeAsync));
    }

    private static void AddCosmosStore(IServiceCollection services)
    {
        services.AddJourneyOptions<CosmosStoreOptions>(CosmosStoreOptions.SectionName, o => o.Validate())
            .PostConfigure<IConfiguration>((o, configuration) => o.ApplyConnectionSettings(configuration));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<CosmosStoreOptions>();
            var credential = string.IsNullOrWhiteSpace(options.ConnectionString) ? sp.GetRequiredService<TokenCredential>() : null;
            return new CosmosJourneyStore(options, credential, sp.GetRequiredService<ILogger<CosmosJourneyStore>>());
        });
        AddStorePorts<CosmosJourneyStore>(services);
        services.AddHostedService(sp => new StoreInitializer(sp.GetRequiredService<CosmosJourneyStore>().InitializeAsync));
    }

    private static void AddStorePorts<TStore>(IServiceCollection services)
        where TStore : class, ICustomerStore, ITransitionStore, IDeadLetterStore, IMetricsStore, IPredictionStore, IFeedbackStore, IPainPointStore, IActionStore, IPersonalDataStore, ISuppressionStore, IStoreHealth, IDocumentScans
    {
        services.AddSingleton<ICustomerStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ITransitionStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IDeadLetterStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IMetricsStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IPredictionStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IFeedbackStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IPainPointStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IActionStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ISuppressionStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IDocumentScans>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ITransitionScan>(sp => sp.GetRequiredService<TStore>());
    }

    private static void AddEmbeddedStream(IServiceCollection services, IConfiguration configuration)
    {
        services.AddJourneyOptions<EmbeddedStreamOptions>(EmbeddedStreamOptions.SectionName, o => o.Validate())
            .PostConfigure(o =>
            {
                if (string.IsNullOrEmpty(o.DataDirectory)) o.DataDirectory = LocalDataDirectory(configuration);
            });
        services.AddSingleton<EmbeddedEventLog>();
        services.AddSingleton<IEventStream>(sp => sp.GetRequiredService<EmbeddedEventLog>());
        services.AddSingleton<CheckpointStore>();
        // Processor:Enabled=false runs a collector-only node (another process applies the stream).
        if (configuration.GetValue(ProcessorEnabledKey, defaultValue: true))
        {
            services.AddSingleton<EmbeddedStreamDispatcher>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedStreamDispatcher>());
        }
    }

    private static void AddEventHubsStream(IServiceCollection services)
    {
        services.AddJourneyOptions<EventHubsOptions>(EventHubsOptions.SectionName, o => o.Validate())
            .PostConfigure<IConfiguration>((o, configuration) => o.ApplyConnectionSettings(configuration));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<EventHubsOptions>();
            var client = EventHubsProducer.CreateClient(options, options.UsesConnectionString ? null : sp.GetRequiredService<TokenCredential>());
            return new EventHubsProducer(client, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EventHubsProducer>>());
        });
        services.AddSingleton<IEventStream>(sp => sp.GetRequiredService<EventHubsProducer>());
    }

    /// <summary>
    /// The one <see cref="TokenCredential"/> of the app, built on first use (a local run with no Azure
    /// client never builds it): a managed identity in Azure, DefaultAzureCredential on a developer's machine.
    /// </summary>
    private static void AddAzureCredential(IServiceCollection services)
    {
        services.AddJourneyOptions<AzureIdentityOptions>((o, configuration) => o.ApplyConnectionSettings(configuration), o => o.Validate());
        services.AddSingleton<TokenCredential>(sp => sp.GetRequiredService<AzureIdentityOptions>().CreateCredential());
    }

    /// <summary>
    /// The email settings (always: the unsubscribe endpoint reads the secret) and the <c>email</c> destination, registered
    /// only when <c>Actions__Smtp__Host</c> is set.
    /// </summary>
    private static void AddEmail(IServiceCollection services, IConfiguration configuration)
    {
        services.AddJourneyOptions<EmailOptions>(EmailOptions.SectionName, o => o.Validate());
        if (SmtpOptions.IsConfiguredIn(configuration)) services.AddSingleton<IActionDestination, EmailDestination>();
    }

    /// <summary>
    /// The Event Hub destination's settings (always: types without a connection are a mistake to report) and the
    /// destination (<c>journey-actions</c>), registered only when <c>Actions__EventHub__FullyQualifiedNamespace</c>
    /// or <c>Actions__EventHub__ConnectionString</c> is set; its client authenticates with the app's one credential.
    /// </summary>
    private static void AddEventHubActions(IServiceCollection services, IConfiguration configuration)
    {
        services.AddJourneyOptions<EventHubActionOptions>(EventHubActionOptions.SectionName, o => o.Validate());
        if (!EventHubActionOptions.IsConfiguredIn(configuration)) return;
        services.AddSingleton<IActionDestination>(sp =>
        {
            var options = sp.GetRequiredService<EventHubActionOptions>();
            var client = EventHubActionDestination.CreateClient(options, string.IsNullOrWhiteSpace(options.ConnectionString) ? sp.GetRequiredService<TokenCredential>() : null);
            return new EventHubActionDestination(client, options, sp.GetRequiredService<ILogger<EventHubActionDestination>>());
        });
    }

    /// <summary>
    /// The Azure OpenAI client for the summarizer and the <see cref="OpenAIRunFactory"/> whose runs embed and name
    /// with it, registered only when <c>OpenAI__Endpoint</c> is set.
    /// </summary>
    private static void AddOpenAI(IServiceCollection services, IConfiguration configuration)
    {
        services.AddJourneyOptions<OpenAIOptions>(OpenAIOptions.SectionName, o => o.Validate());
        if (!OpenAIOptions.IsConfiguredIn(configuration)) return;
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<OpenAIOptions>();
            return OpenAIClientFactory.Create(
                options, options.UsesApiKey ? null : sp.GetRequiredService<TokenCredential>(),
                timeProvider: sp.GetRequiredService<TimeProvider>(), loggerFactory: sp.GetRequiredService<ILoggerFactory>());
        });
        services.AddSingleton<OpenAIRunFactory>();
    }

    /// <summary>
    /// The follow-ups: the real-time rules run as a step of every customer write (<see cref="ActionCapture"/>),
    /// the outbox dispatcher delivers to the destinations configured (webhooks, email, the Event Hub); locally a background
    /// loop runs the dispatcher.
    /// </summary>
    private static void AddActions(IServiceCollection services, IConfiguration configuration)
    {
        services.AddJourneyOptions<ActionRulesOptions>(ActionRulesOptions.SectionName, o => o.Validate());
        services.AddJourneyOptions<ActionsOptions>(ActionsOptions.SectionName, o => o.Validate());
        services.AddSingleton(sp => new ActionRules(sp.GetRequiredService<ActionRulesOptions>(), sp.GetRequiredService<JourneyRulesOptions>()));
        services.AddSingleton(sp => new ActionRelease(sp.GetRequiredService<JourneyRulesOptions>()));
        services.AddSingleton<IActionRelease, CustomerActionRelease>();
        services.AddSingleton<ActionDispatcher>();

        // The rules run only when there is somewhere to deliver to, or when asked to record what they would
        // do (Actions:RecordWithoutDestination, a dry run; the demo's default): otherwise the processor and
        // the daily job write no actions (and pay nothing for them).
        var webhooks = configuration.GetSection(WebhookOptions.SectionName).Get<WebhookOptions>() ?? new WebhookOptions();
        var capture = (webhooks.Validate().Count == 0 && webhooks.Endpoints().Count > 0) || SmtpOptions.IsConfiguredIn(configuration)
            || EventHubActionOptions.IsConfiguredIn(configuration) || configuration.GetValue(RecordActionsKey, defaultValue: false);
        if (capture) services.AddSingleton<ICustomerChangeStep, ActionCapture>();
        services.AddSingleton(sp => new DailyActions(
            sp.GetRequiredService<IActionStore>(), sp.GetRequiredService<ActionRules>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DailyActions>>(), capture));

        var appliesStream = configuration.GetValue(ProcessorEnabledKey, defaultValue: true);
        if (appliesStream && !EventHubsOptions.IsConfigured(configuration) && !CosmosStoreOptions.IsConfiguredIn(configuration))
        {
            services.AddJourneyOptions<ActionDispatchScheduleOptions>(ActionsOptions.SectionName);
            services.AddHostedService<LocalActionDispatch>();
        }
    }

    /// <summary>
    /// One <see cref="IActionDestination"/> per configured webhook receiver (<c>Actions__WebhookUrl</c> and the list
    /// <c>Actions__Webhooks</c>). Invalid settings register none: the options' validation stops the app at start.
    /// </summary>
    private static void AddWebhookDestinations(IServiceCollection services, IConfiguration configuration)
    {
        services.AddJourneyOptions<WebhookOptions>(WebhookOptions.SectionName, o => o.Validate());
        var options = configuration.GetSection(WebhookOptions.SectionName).Get<WebhookOptions>() ?? new WebhookOptions();
        if (options.Validate().Count > 0) return;
        foreach (var endpoint in options.Endpoints())
        {
            services.AddSingleton<IActionDestination>(sp => new WebhookDestination(
                endpoint, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebhookDestination>>()));
        }
    }

    private static string LocalDataDirectory(IConfiguration configuration)
    {
        var dataDirectory = DataDirectory(configuration);
        Directory.CreateDirectory(dataDirectory);
        return dataDirectory;
    }

    /// <summary>Creates the store's tables or containers before anything reads or writes.</summary>
    private sealed class StoreInitializer(Func<CancellationToken, Task> initialize) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => initialize(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
