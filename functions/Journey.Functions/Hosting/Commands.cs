using System.Diagnostics;
using Journey.Application.Metrics;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Ports;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;
using Journey.Domain.Serialization;
using Journey.Functions.Export;
using Journey.Functions.Import;
using Journey.Functions.Jobs;
using System.Text.Json;

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
        // The commands' output is on stdout (metrics prints JSON): logs go to stderr, warnings and worse only.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
        builder.Configuration["DailyJob:RunInBackground"] = "false"; // the daily command runs the job itself
        builder.Configuration["Summarizer:RunInBackground"] = "false"; // and the painpoints command the summarizer
        builder.Services.AddJourney(builder.Configuration);
        using var host = builder.Build();
        JourneyOptions.ValidateNow(host.Services); // every setting checked before any work, as the web host does at start
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        return commandLine.Command switch
        {
            "import" => await ImportAsync(host, commandLine, cancel.Token),
            "metrics" => await MetricsAsync(host, commandLine, cancel.Token),
            "daily" => await DailyAsync(host, commandLine, cancel.Token),
            "painpoints" => await PainPointsAsync(host, commandLine, cancel.Token),
            "export" => await ExportAsync(host, commandLine, cancel.Token),
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

    /// <summary><c>metrics [--date yyyy-MM-dd] [--kind k] [--matrix [--percent]]</c>: prints the documents (of the latest date by default) as a JSON array, or the retention cohort matrices as text.</summary>
    private static async Task<int> MetricsAsync(IHost host, CommandLine commandLine, CancellationToken ct)
    {
        if (await ParseJobArgumentsAsync("metrics", commandLine, allowKind: true) is not { } arguments) return BadInput;

        var metrics = host.Services.GetRequiredService<IMetricsStore>();
        var date = arguments.Date is { } d ? new AsOf(d).Text : await metrics.LatestDateAsync(ct);
        if (date is null)
        {
            await Console.Error.WriteLineAsync("journey metrics: there are no metrics yet; run the daily job first (journey daily [--date yyyy-MM-dd]).");
            return Failure;
        }
        var documents = (await metrics.ListAsync(date, ct)).Where(m => arguments.Kind is null || m.Kind == arguments.Kind).ToList();
        if (documents.Count == 0)
        {
            await Console.Error.WriteLineAsync(arguments.Kind is null
                ? $"journey metrics: there are no metrics as of {date}; run: journey daily --date {date}"
                : $"journey metrics: there is no '{arguments.Kind}' document as of {date}.");
            return Failure;
        }
        if (arguments.Matrix) Console.Write(RetentionMatrix.Format(documents[0].Data, arguments.Percentages));
        else Console.WriteLine(JsonSerializer.Serialize(documents, IndentedJson));
        return Success;
    }

    /// <summary>The options of <c>daily</c> or <c>metrics</c>, or null after saying on stderr what is wrong with them.</summary>
    private static Task<JobArguments?> ParseJobArgumentsAsync(string command, CommandLine commandLine, bool allowKind) =>
        TryParseAsync(command, () => JobArguments.Parse(command, commandLine.CommandArguments, allowKind));

    /// <summary>A command's options, or null after saying on stderr what is wrong with them.</summary>
    private static async Task<T?> TryParseAsync<T>(string command, Func<T> parse)
        where T : class
    {
        try
        {
            return parse();
        }
        catch (JobArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"journey {command}: {ex.Message}");
            return null;
        }
    }

    private static readonly JsonSerializerOptions IndentedJson = new(JourneyJson.Options) { WriteIndented = true };

    /// <summary>
    /// <c>daily [--date yyyy-MM-dd]</c>: applies what the local stream still holds, then runs the
    /// daily job as of the date (default yesterday, UTC) with progress on the console and a summary.
    /// </summary>
    private static async Task<int> DailyAsync(IHost host, CommandLine commandLine, CancellationToken ct)
    {
        if (await ParseJobArgumentsAsync("daily", commandLine, allowKind: false) is not { } arguments) return BadInput;
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var asOf = arguments.Date ?? DailyJob.DefaultAsOf(clock);
        IReadOnlyList<DateOnly>? backfill = null;
        if (arguments.Since is not null)
        {
            backfill = await TryParseAsync("daily", () => arguments.BackfillDates(asOf));
            if (backfill is null) return BadInput;
        }

        await host.StartAsync(ct);
        try
        {
            if (host.Services.GetService<EmbeddedStreamDispatcher>() is { } dispatcher)
            {
                Console.WriteLine("Applying the events still in the local stream...");
                await dispatcher.WaitUntilDrainedAsync(ct);
            }
            if (backfill is not null) return await BackfillAsync(host.Services.GetRequiredService<DailyJobRunner>(), backfill, ct);
            Console.WriteLine($"Daily job as of {new AsOf(asOf).Text} (events up to {new AsOf(asOf).Text} 23:59:59 UTC count)");
            var summary = await host.Services.GetRequiredService<DailyJobRunner>().TryRunAsync(asOf, "daily command", new ConsoleProgress(), ct);
            if (summary is null)
            {
                await Console.Error.WriteLineAsync("journey daily: a run is already in progress in this process.");
                return Failure;
            }
            Console.WriteLine(JobSummaries.ToText(summary));
            Console.WriteLine($"Print the documents with: journey metrics --date {new AsOf(asOf).Text} [--kind {string.Join("|", MetricKinds.All)}]");
            return Success;
        }
        catch (StoreUnavailableException ex)
        {
            await Console.Error.WriteLineAsync($"journey daily: the store is unavailable: {ex.Message}");
            return Failure;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The daily job for each date of a backfill (the last in full, first; the others' metrics only), a line per date.</summary>
    private static async Task<int> BackfillAsync(DailyJobRunner runner, IReadOnlyList<DateOnly> dates, CancellationToken ct)
    {
        Console.WriteLine($"Daily job for {dates.Count} dates from {new AsOf(dates[0]).Text} to {new AsOf(dates[^1]).Text}: {new AsOf(dates[^1]).Text} first in full (predictions, statuses, follow-ups), then the others' metrics only");
        var summaries = await runner.TryRunHistoryAsync(dates, "daily command", s =>
            Console.WriteLine($"  {new AsOf(s.AsOf).Text}: {s.CustomersCounted} customers, {s.MetricsWritten} documents written, {s.MetricsUnchanged} unchanged, {s.TotalSeconds:0.00} s"), ct);
        if (summaries is null)
        {
            await Console.Error.WriteLineAsync("journey daily: a run is already in progress in this process.");
            return Failure;
        }
        Console.WriteLine(JobSummaries.ToText(summaries[0]));
        Console.WriteLine($"The series: journey metrics --date <date> --kind rates, or GET /api/metrics/series?kind=rates&since={new AsOf(dates[0]).Text}&until={new AsOf(dates[^1]).Text}");
        return Success;
    }

    /// <summary>
    /// <c>painpoints [--since yyyy-MM-dd] [--until yyyy-MM-dd] [--assignments file.csv]</c>: applies what
    /// the local stream still holds, runs the summarizer for the period (default: the
    /// <c>Summarizer:PeriodDays</c> days up to today, UTC) and prints its pain points as JSON on stdout;
    /// a summary goes to stderr.
    /// </summary>
    private static async Task<int> PainPointsAsync(IHost host, CommandLine commandLine, CancellationToken ct)
    {
        if (await TryParseAsync("painpoints", () => PainPointArguments.Parse(commandLine.CommandArguments)) is not { } arguments) return BadInput;
        var runner = host.Services.GetRequiredService<PainPointRunner>();
        var today = DateOnly.FromDateTime(host.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        var until = arguments.Until ?? today;
        var window = arguments.Since is { } since ? new PeriodWindow(since, until) : runner.Job.DefaultWindow(until);
        if (window.Since > window.Until)
        {
            await Console.Error.WriteLineAsync($"journey painpoints: --since {window.SinceText} is after the end of the period ({window.UntilText}); give --until too");
            return BadInput;
        }

        await host.StartAsync(ct);
        try
        {
            if (host.Services.GetService<EmbeddedStreamDispatcher>() is { } dispatcher)
            {
                await Console.Error.WriteLineAsync("Applying the events still in the local stream...");
                await dispatcher.WaitUntilDrainedAsync(ct);
            }
            await Console.Error.WriteLineAsync($"Pain points from {window.SinceText} to {window.UntilText} (UTC, both days included)...");
            var summary = await runner.TryRunAsync(window, "painpoints command", ct);
            if (summary is null)
            {
                await Console.Error.WriteLineAsync("journey painpoints: a run is already in progress in this process.");
                return Failure;
            }
            if (arguments.AssignmentsFile is { } file) await AssignmentsCsv.WriteAsync(file, summary.Assignments, ct);
            Console.WriteLine(JsonSerializer.Serialize(summary.Documents.ToList(), IndentedJson));
            await Console.Error.WriteLineAsync(JobSummaries.ToText(summary) + (arguments.AssignmentsFile is { } f ? $"; assignments written to {f}" : ""));
            return Success;
        }
        catch (StoreUnavailableException ex)
        {
            await Console.Error.WriteLineAsync($"journey painpoints: the store is unavailable: {ex.Message}");
            return Failure;
        }
        catch (IOException ex) when (arguments.AssignmentsFile is not null)
        {
            await Console.Error.WriteLineAsync($"journey painpoints: could not write {arguments.AssignmentsFile}: {ex.Message}");
            return Failure;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// <c>export --format csv|parquet --out &lt;folder&gt; [--what …] [--since yyyy-MM-dd]</c>: applies what the
    /// local stream still holds, then writes one file per dataset (<see cref="ExportDatasets"/>) read
    /// through the store's ports, so it exports the SQLite store or Cosmos DB, whichever is configured.
    /// </summary>
    private static async Task<int> ExportAsync(IHost host, CommandLine commandLine, CancellationToken ct)
    {
        if (await TryParseAsync("export", () => ExportArguments.Parse(commandLine.CommandArguments)) is not { } arguments) return BadInput;

        await host.StartAsync(ct);
        try
        {
            if (host.Services.GetService<EmbeddedStreamDispatcher>() is { } dispatcher)
            {
                Console.WriteLine("Applying the events still in the local stream...");
                await dispatcher.WaitUntilDrainedAsync(ct);
            }
            var since = arguments.Since is { } s ? $" from {s:yyyy-MM-dd}" : "";
            Console.WriteLine($"Exporting {string.Join(", ", arguments.Datasets.Select(d => d.Name))}{since} as {arguments.Format} to {Path.GetFullPath(arguments.OutputDirectory)}");
            var sources = new ExportSources(host.Services.GetRequiredService<ICustomerStore>(), host.Services.GetRequiredService<IDocumentScans>());
            var files = await new ExportCommand(sources, Console.Out).RunAsync(arguments, ct);
            Console.WriteLine($"Exported {files.Count} files, {files.Sum(f => f.Rows):N0} rows.");
            return Success;
        }
        catch (StoreUnavailableException ex)
        {
            await Console.Error.WriteLineAsync($"journey export: the store is unavailable: {ex.Message}");
            return Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"journey export: could not write to {arguments.OutputDirectory}: {ex.Message}");
            return Failure;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Progress lines written as they are reported (not posted to the thread pool, so they stay in order).</summary>
    private sealed class ConsoleProgress : IProgress<DailyJobProgress>
    {
        private string? _phase;

        public void Report(DailyJobProgress value)
        {
            if (value.Phase == "scan") Console.WriteLine($"  scanned {value.CustomersScanned:N0} documents, {value.CustomersCounted:N0} customers as of the date");
            else if (value.Phase != _phase && value.Phase != "done") Console.WriteLine($"  {value.Phase}...");
            _phase = value.Phase;
        }
    }
}
