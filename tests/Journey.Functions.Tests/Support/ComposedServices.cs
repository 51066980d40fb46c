using Journey.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Journey.Functions.Tests.Support;

/// <summary>
/// The composition root over settings written as app settings are (<c>Section__Key</c>), in a temporary
/// data folder, with every option validated as at start; the folder goes with <see cref="Dispose"/>.
/// </summary>
public sealed class ComposedServices : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "journey-composition-tests", Guid.NewGuid().ToString("N"));

    public ServiceProvider Compose(params (string Key, string Value)[] settings) => Compose(replace: null, settings);

    /// <summary>As <see cref="Compose(ValueTuple{string, string}[])"/>, with <paramref name="replace"/> run after the composition root (to swap an adapter).</summary>
    public ServiceProvider Compose(Action<IServiceCollection>? replace, params (string Key, string Value)[] settings)
    {
        // Environment variables as the Functions host passes them: "__" is the section separator.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(JourneyComposition.DataDirectoryKey, _data), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value))])
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddJourney(configuration);
        replace?.Invoke(services);
        var provider = services.BuildServiceProvider();
        JourneyOptions.ValidateNow(provider);
        return provider;
    }

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}
