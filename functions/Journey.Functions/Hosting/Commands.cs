using System.Diagnostics;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Ports;
using Journey.Functions.Import;

namespace Journey.Functions.Hosting;

/// <summary>
/// The batch commands of the executable. They run the same services as the web host (stream,
/// processor, store) without HTTP. Exit code 0 on success, 2 on bad arguments or input.
/// </summary>
public static class Commands
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (commandLine.DataDirectory is not null) builder.Configuration[JourneyComposition.DataDirectoryKey] = commandLine.DataDirectory;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddJourney(builder.Configuration);
        using var host = builder.Build();
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        return commandLine.Command switch
        {
            "import" => await ImportAsync(host, commandLine, cancel.Token),
            _ => throw new CommandLineException($"unknown command '{commandLine.Command}'"),
        };
    }

    private static async Task<int> ImportAsync(IHost host, CommandLine commandLine, CancellationToken ct)
    {
        ImportArguments arguments;
        try
        {
            arguments = ImportArguments.Parse(commandLine.CommandArguments);
        }
        catch (ImportException ex)
        {
            await Console.Error.WriteLineAsync($"journey import: {ex.Message}");
            return BadInput;
        }

        await host.StartAsync(ct);
        try
        {
            var clock = host.Services.GetRequiredService<TimeProvider>();
            var command = new ImportCommand(host.Services.GetRequiredService<IEventStream>(), clock, Console.Out);
            ImportSummary summary;
            try
            {
                summary = await command.RunAsync(arguments, ct);
            }
            catch (ImportException ex)
            {
                await Console.Error.WriteLineAsync($"journey import: {ex.Message}");
                return BadInput;
            }
            catch (StreamUnavailableException ex)
            {
                await Console.Error.WriteLineAsync($"journey import: the stream stopped accepting events: {ex.Message}");
                return Failure;
            }

            var processing = Stopwatch.StartNew();
            var dispatcher = host.Services.GetService<EmbeddedStreamDispatcher>();
            if (dispatcher is null)
            {
                Console.WriteLine("The events were sent to Event Hubs; the function app's ProcessEvents applies them.");
                return summary.EventsSent == 0 && summary.RowsRead > 0 ? BadInput : Success;
            }
            Console.WriteLine("Waiting for the processor to apply the imported events...");
            await dispatcher.WaitUntilDrainedAsync(ct);
            var status = dispatcher.GetStatus();
            Console.WriteLine($"Processed: the stream is drained ({status.EventsProcessed:N0} events in {status.Batches:N0} batches this run; {processing.Elapsed.TotalSeconds:N1} s after the last send).");
            return summary.EventsSent == 0 && summary.RowsRead > 0 ? BadInput : Success;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
