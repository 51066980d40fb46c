using System.Net.Http.Json;
using System.Text.Json;
using Journey.Application.Processing;
using Journey.Adapters.Stream.Embedded;
using Journey.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Functions.Tests.Support;

/// <summary>The real app (Kestrel on a free loopback port, its own temp data folder), in this process.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, string dataDirectory, Uri baseAddress)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public string DataDirectory { get; }
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app on the system clock.</summary>
    public static Task<TestApp> StartAsync(params string[] settings) => StartCoreAsync(clock: null, configureServices: null, settings);

    /// <summary>
    /// Starts the app with <paramref name="configureServices"/> run after the composition root (replace a port's
    /// adapter here, e.g. <c>services.Replace(ServiceDescriptor.Singleton&lt;IEventStream&gt;(…))</c>).
    /// </summary>
    public static Task<TestApp> StartAsync(Action<IServiceCollection> configureServices, params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        return StartCoreAsync(clock: null, configureServices, settings);
    }

    /// <summary>
    /// Starts the app on <paramref name="clock"/> (the composition root's <see cref="TimeProvider"/>
    /// replaced), so that "today" is the clock's date. Everything that waits on the app's clock then
    /// waits until the test advances it; the stream's wait for a partly filled batch is turned off.
    /// </summary>
    public static Task<TestApp> StartAsync(FakeTimeProvider clock, params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return StartCoreAsync(clock, configureServices: null, ["--Stream:MaxBatchWait=00:00:00", .. settings]);
    }

    private static async Task<TestApp> StartCoreAsync(TimeProvider? clock, Action<IServiceCollection>? configureServices, string[] settings)
    {
        var data = Path.Combine(Path.GetTempPath(), "journey-test-" + Guid.NewGuid().ToString("N"));
        // The local daily schedule stays off unless a test turns it on (its catch-up run would race the test's own runs).
        var args = new List<string> { "--data", data, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--DailyJob:RunInBackground=false", "--Summarizer:RunInBackground=false", "--Actions:RunInBackground=false", "--Stream:JournalBytes=262144" };
        args.AddRange(settings);
        var app = JourneyWebHost.Build(
            CommandLine.Parse([.. args]),
            services =>
            {
                if (clock is not null) services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
                configureServices?.Invoke(services);
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, data, new Uri(address));
    }

    /// <summary>Waits until the processor has applied everything the stream holds.</summary>
    public async Task DrainAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _app.Services.GetRequiredService<EmbeddedStreamDispatcher>().WaitUntilDrainedAsync(timeout.Token);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
