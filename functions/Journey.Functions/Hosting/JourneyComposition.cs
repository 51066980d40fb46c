using Journey.Adapters.Store.Sqlite;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Stages;
using Journey.Functions.Admin;
using Journey.Functions.Collector;
using Microsoft.Extensions.Options;

namespace Journey.Functions.Hosting;

/// <summary>
/// The one composition root: which adapter serves each port. Locally (no cloud settings) the
/// stream is the embedded durable log and the store is SQLite, both under the data folder.
/// </summary>
public static class LocalComposition
{
    /// <summary>Configuration key of the local data folder (<c>--data</c> on the command line).</summary>
    public const string DataDirectoryKey = "Storage:DataDirectory";

    public static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration[DataDirectoryKey] is { Length: > 0 } configured ? configured : ".journey");

    public static IServiceCollection AddJourney(this IServiceCollection services, IConfiguration configuration)
    {
        var dataDirectory = DataDirectory(configuration);
        Directory.CreateDirectory(dataDirectory);

        services.AddSingleton(TimeProvider.System);

        var rules = configuration.GetSection(JourneyRulesOptions.SectionName).Get<JourneyRulesOptions>() ?? new JourneyRulesOptions();
        var problems = rules.Validate();
        if (problems.Count > 0) throw new OptionsValidationException(JourneyRulesOptions.SectionName, typeof(JourneyRulesOptions), problems);
        services.AddSingleton(rules);

        services.AddOptions<CollectorOptions>().BindConfiguration(CollectorOptions.SectionName);
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName);

        // store: SQLite under the data folder
        var storeOptions = configuration.GetSection(SqliteStoreOptions.SectionName).Get<SqliteStoreOptions>() ?? new SqliteStoreOptions();
        if (string.IsNullOrEmpty(storeOptions.DatabasePath)) storeOptions.DatabasePath = Path.Combine(dataDirectory, SqliteStoreOptions.FileName);
        services.AddSingleton(storeOptions);
        services.AddSingleton<SqliteJourneyStore>();
        services.AddSingleton<ICustomerStore>(sp => sp.GetRequiredService<SqliteJourneyStore>());
        services.AddSingleton<ITransitionStore>(sp => sp.GetRequiredService<SqliteJourneyStore>());
        services.AddSingleton<IDeadLetterStore>(sp => sp.GetRequiredService<SqliteJourneyStore>());
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<SqliteJourneyStore>());
        services.AddHostedService<StoreInitializer>();

        // stream: the embedded durable log, consumed by the local dispatcher
        services.AddOptions<EmbeddedStreamOptions>()
            .BindConfiguration(EmbeddedStreamOptions.SectionName)
            .PostConfigure(o => { if (string.IsNullOrEmpty(o.DataDirectory)) o.DataDirectory = dataDirectory; })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmbeddedStreamOptions>, EmbeddedStreamOptionsValidator>();
        services.AddSingleton<EmbeddedEventLog>();
        services.AddSingleton<IEventStream>(sp => sp.GetRequiredService<EmbeddedEventLog>());
        services.AddSingleton<CheckpointStore>();

        // processing
        services.AddSingleton<IJourneyProcessor, JourneyProcessor>();
        services.AddSingleton<EmbeddedStreamDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedStreamDispatcher>());
        services.AddSingleton<CustomerLookup>();

        services.AddSingleton<CollectorService>();
        return services;
    }

    /// <summary>Creates the store's tables before anything reads or writes.</summary>
    private sealed class StoreInitializer(SqliteJourneyStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
