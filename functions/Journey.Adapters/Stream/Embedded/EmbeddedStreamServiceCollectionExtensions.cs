using Journey.Domain.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Journey.Adapters.Stream.Embedded;

/// <summary>Wiring of the embedded stream for the composition root.</summary>
public static class EmbeddedStreamServiceCollectionExtensions
{
    /// <summary>
    /// Registers the embedded log as the <see cref="IEventStream"/> (singleton), its
    /// <see cref="CheckpointStore"/>, and the <see cref="EmbeddedStreamDispatcher"/> as a hosted
    /// service (also resolvable by its type, for <c>WaitUntilDrainedAsync</c> and status). Options
    /// come from the <c>Stream</c> configuration section, then <paramref name="configure"/>, and are
    /// validated at start. The dispatcher needs an <c>IJourneyProcessor</c> registered elsewhere.
    /// </summary>
    public static IServiceCollection AddEmbeddedEventStream(this IServiceCollection services, Action<EmbeddedStreamOptions>? configure = null)
    {
        var options = services.AddOptions<EmbeddedStreamOptions>().BindConfiguration(EmbeddedStreamOptions.SectionName);
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddedStreamOptions>, EmbeddedStreamOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EmbeddedEventLog>();
        services.TryAddSingleton<IEventStream>(sp => sp.GetRequiredService<EmbeddedEventLog>());
        services.TryAddSingleton<CheckpointStore>();
        services.TryAddSingleton<EmbeddedStreamDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedStreamDispatcher>());
        return services;
    }
}
