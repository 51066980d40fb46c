using Journey.Application.Metrics;
using Journey.Application.Processing;
using Journey.Adapters.Store.Cosmos;
using Journey.Adapters.Store.Sqlite;
using Journey.Adapters.Stream.EventHubs;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Metrics;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using Journey.Functions.Admin;
using Journey.Functions.Collector;
using Journey.Functions.Jobs;
using Microsoft.Extensions.Options;

namespace Journey.Functions.Hosting;

/// <summary>
/// The one composition root: which adapter serves each port. With no cloud settings the stream is
/// the embedded durable log (consumed by the local dispatcher) and the store is SQLite, both under
/// the data folder. With <c>EventHubConnection</c> settings the collector sends to Event Hubs (the
/// Functions host then delivers batches to <c>POST /ProcessEvents</c>); with <c>CosmosConnection</c>
/// settings the store is Cosmos DB.
/// </summary>
public static class JourneyComposition
{
    /// <summary>Configuration key of the local data folder (<c>--data</c> on the command line).</summary>
    public const string DataDirectoryKey = "Storage:DataDirectory";

    /// <summary>Whether this process applies the embedded stream (default true).</summary>
    public const string ProcessorEnabledKey = "Processor:Enabled";

    public static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration[DataDirectoryKey] is { Length: > 0 } configured ? configured : ".journey");

    public static IServiceCollection AddJourney(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddJourneyOptions<JourneyRulesOptions>(JourneyRulesOptions.SectionName, o => o.Validate());
        services.AddJourneyOptions<CollectorOptions>(CollectorOptions.SectionName);
        services.AddJourneyOptions<AdminOptions>(AdminOptions.SectionName);

        if (CosmosStoreOptions.IsConfiguredIn(configuration)) AddCosmosStore(services);
        else AddSqliteStore(services, configuration);

        if (EventHubsOptions.IsConfigured(configuration)) AddEventHubsStream(services, configuration);
        else AddEmbeddedStream(services, configuration);

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
        services.AddSingleton<IJourneyProcessor, JourneyProcessor>();
        services.AddSingleton<CustomerLookup>();
        services.AddSingleton<CollectorService>();
        AddDailyJob(services, configuration);
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
        services.AddSingleton(sp => new CosmosJourneyStore(sp.GetRequiredService<CosmosStoreOptions>(), sp.GetRequiredService<ILogger<CosmosJourneyStore>>()));
        AddStorePorts<CosmosJourneyStore>(services);
        services.AddHostedService(sp => new StoreInitializer(sp.GetRequiredService<CosmosJourneyStore>().InitializeAsync));
    }

    private static void AddStorePorts<TStore>(IServiceCollection services)
        where TStore : class, ICustomerStore, ITransitionStore, IDeadLetterStore, IMetricsStore, IPredictionStore, IStoreHealth
    {
        services.AddSingleton<ICustomerStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ITransitionStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IDeadLetterStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IMetricsStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IPredictionStore>(sp => sp.GetRequiredService<TStore>());
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

    private static void AddEventHubsStream(IServiceCollection services, IConfiguration configuration)
    {
        var options = EventHubsOptions.FromConfiguration(configuration);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(sp => new EventHubsRestStream(
            sp.GetRequiredService<IOptions<EventHubsOptions>>(),
            httpClient: null,
            credential: null,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EventHubsRestStream>>()));
        services.AddSingleton<IEventStream>(sp => sp.GetRequiredService<EventHubsRestStream>());
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
