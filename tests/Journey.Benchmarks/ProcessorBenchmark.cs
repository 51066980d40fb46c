using System.Diagnostics;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Functions.Hosting;
using Journey.Functions.Import;

namespace Journey.Benchmarks;

/// <summary>
/// Processor throughput on a real clickstream, through the real composition (embedded stream,
/// journey processor, SQLite store): first the import appends every row to the stream, then the
/// dispatcher applies the backlog. Prints events/s of each phase and end to end, customer
/// document writes per event, and peak memory.
/// </summary>
public static class ProcessorBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var file = Option(args, "--file") ?? throw new ArgumentException("--file <clickstream csv> is required");
        var preset = Option(args, "--preset") ?? "taobao";
        var batch = int.Parse(Option(args, "--batch") ?? "100", System.Globalization.CultureInfo.InvariantCulture);
        var data = Option(args, "--data") ?? Path.Combine(Path.GetTempPath(), "journey-bench-" + Guid.NewGuid().ToString("N"));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration[LocalComposition.DataDirectoryKey] = data;
        builder.Configuration["Stream:BatchSize"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddJourney(builder.Configuration);
        var counting = new CountingProcessor();
        builder.Services.AddSingleton<IJourneyProcessor>(sp =>
        {
            counting.Inner = ActivatorUtilities.CreateInstance<JourneyProcessor>(sp);
            return counting;
        });
        using var host = builder.Build();

        // phase 1: the import appends every row to the durable stream (the processor is not running yet)
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var import = new ImportCommand(host.Services.GetRequiredService<IEventStream>(), clock, TextWriter.Null);
        var total = Stopwatch.StartNew();
        var summary = await import.RunAsync(ImportArguments.Parse([file, "--preset", preset]), CancellationToken.None);
        var importSeconds = total.Elapsed.TotalSeconds;

        // phase 2: the dispatcher applies the backlog in batches of `batch`
        var processing = Stopwatch.StartNew();
        await host.StartAsync();
        await host.Services.GetRequiredService<EmbeddedStreamDispatcher>().WaitUntilDrainedAsync(CancellationToken.None);
        var processSeconds = processing.Elapsed.TotalSeconds;
        var totalSeconds = total.Elapsed.TotalSeconds;
        await host.StopAsync();

        using var process = Process.GetCurrentProcess();
        var events = summary.EventsSent;
        Console.WriteLine($"file                     {Path.GetFileName(file)} ({summary.RowsRead:N0} rows, {events:N0} events, {summary.RowsRejected:N0} rejected)");
        Console.WriteLine($"batch size               {batch}");
        Console.WriteLine($"import -> stream         {importSeconds:N2} s  {events / importSeconds:N0} events/s (durable appends)");
        Console.WriteLine($"stream -> processor      {processSeconds:N2} s  {counting.Applied / processSeconds:N0} events/s applied ({counting.Batches:N0} batches)");
        Console.WriteLine($"end to end               {totalSeconds:N2} s  {events / totalSeconds:N0} events/s");
        Console.WriteLine($"customer writes          {counting.CustomerWrites:N0}  ({(double)counting.CustomerWrites / Math.Max(1, counting.Applied):N4} per event)");
        Console.WriteLine($"transition writes        {counting.TransitionWrites:N0}");
        Console.WriteLine($"duplicates / dead / bots {counting.Duplicates:N0} / {counting.DeadLettered:N0} / {counting.Bots:N0}");
        Console.WriteLine($"peak working set         {process.PeakWorkingSet64 / (1024.0 * 1024):N0} MiB");
        Console.WriteLine($"data folder              {data}");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Sums what the processor reports per batch.</summary>
    private sealed class CountingProcessor : IJourneyProcessor
    {
        public IJourneyProcessor Inner { get; set; } = null!;
        public long Applied, Duplicates, DeadLettered, Bots, CustomerWrites, TransitionWrites, Batches;

        public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
        {
            var r = await Inner.ProcessAsync(batch, cancellationToken);
            Interlocked.Add(ref Applied, r.Applied);
            Interlocked.Add(ref Duplicates, r.Duplicates);
            Interlocked.Add(ref DeadLettered, r.DeadLettered);
            Interlocked.Add(ref Bots, r.Bots);
            Interlocked.Add(ref CustomerWrites, r.CustomerWrites);
            Interlocked.Add(ref TransitionWrites, r.TransitionWrites);
            Interlocked.Increment(ref Batches);
            return r;
        }
    }
}
