using System.Diagnostics;
using Journey.Application.Processing;
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
    private static IReadOnlyList<string> Settings { get; set; } = [];

    public static async Task<int> RunAsync(string[] args)
    {
        var file = Option(args, "--file") ?? throw new ArgumentException("--file <clickstream csv> is required");
        var preset = Option(args, "--preset") ?? "taobao";
        var batch = int.Parse(Option(args, "--batch") ?? "100", System.Globalization.CultureInfo.InvariantCulture);
        var root = Option(args, "--data") ?? Path.Combine(Path.GetTempPath(), "journey-bench-" + Guid.NewGuid().ToString("N"));
        // --setting Key=Value (repeatable): configuration for the composition, e.g. the action rules.
        Settings = [.. args.Select((a, i) => (a, i)).Where(x => x.a == "--setting" && x.i + 1 < args.Length).Select(x => args[x.i + 1])];
        Console.WriteLine($"file {Path.GetFileName(file)}, processor batch size {batch}, {Environment.ProcessorCount} cores{(Settings.Count > 0 ? ", settings " + string.Join(' ', Settings) : "")}");

        // 1. end to end in a fresh process (cold: the JIT compiles everything on the way)
        await EndToEndAsync(Path.Combine(root, "end-to-end-cold"), file, preset, batch, "end to end, cold start (import + processor together, as `import` runs)");
        // 2. the processor alone, on a stream that already holds every event, on a stream that already holds every event
        {
            using var run = Build(Path.Combine(root, "processor-only"), batch);
            var import = Stopwatch.StartNew();
            var summary = await run.ImportAsync(file, preset);
            var importSeconds = import.Elapsed.TotalSeconds;
            var processing = Stopwatch.StartNew();
            await run.Host.StartAsync();
            await run.Host.Services.GetRequiredService<EmbeddedStreamDispatcher>().WaitUntilDrainedAsync(CancellationToken.None);
            var seconds = processing.Elapsed.TotalSeconds;
            await run.Host.StopAsync();
            Console.WriteLine("separately");
            Console.WriteLine($"  import -> stream         {importSeconds:N2} s  = {summary.EventsSent / importSeconds:N0} events/s (durable appends)");
            Console.WriteLine($"  stream -> processor      {seconds:N2} s  = {run.Counting.Applied / seconds:N0} events/s applied");
            run.Print();
        }

        // 3. end to end again, warm
        await EndToEndAsync(Path.Combine(root, "end-to-end-warm"), file, preset, batch, "end to end, warm (same process, fresh data folder)");

        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"peak working set           {process.PeakWorkingSet64 / (1024.0 * 1024):N0} MiB");
        Console.WriteLine($"data folder                {root}");
        return 0;
    }

    private static async Task EndToEndAsync(string data, string file, string preset, int batch, string title)
    {
        using var run = Build(data, batch);
        var total = Stopwatch.StartNew();
        await run.Host.StartAsync();
        var summary = await run.ImportAsync(file, preset);
        var importSeconds = total.Elapsed.TotalSeconds;
        await run.Host.Services.GetRequiredService<EmbeddedStreamDispatcher>().WaitUntilDrainedAsync(CancellationToken.None);
        var seconds = total.Elapsed.TotalSeconds;
        await run.Host.StopAsync();
        Console.WriteLine(title);
        Console.WriteLine($"  rows / events            {summary.RowsRead:N0} / {summary.EventsSent:N0} ({summary.RowsRejected:N0} rejected)");
        Console.WriteLine($"  import finished after    {importSeconds:N2} s");
        Console.WriteLine($"  all applied after        {seconds:N2} s  = {summary.EventsSent / seconds:N0} events/s");
        run.Print();
    }

    private static BenchmarkRun Build(string data, int batch)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration[JourneyComposition.DataDirectoryKey] = data;
        builder.Configuration["Stream:BatchSize"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var setting in Settings)
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"--setting takes Key=Value (was '{setting}').");
            builder.Configuration[setting[..eq]] = setting[(eq + 1)..];
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddJourney(builder.Configuration);
        var counting = new CountingProcessor();
        builder.Services.AddSingleton<IJourneyProcessor>(sp =>
        {
            counting.Inner = ActivatorUtilities.CreateInstance<JourneyProcessor>(sp);
            return counting;
        });
        return new BenchmarkRun(builder.Build(), counting);
    }

    private sealed class BenchmarkRun(IHost host, CountingProcessor counting) : IDisposable
    {
        public IHost Host { get; } = host;
        public CountingProcessor Counting { get; } = counting;

        public Task<ImportSummary> ImportAsync(string file, string preset)
        {
            var import = new ImportCommand(Host.Services.GetRequiredService<IEventStream>(), Host.Services.GetRequiredService<TimeProvider>(), TextWriter.Null);
            return import.RunAsync(ImportArguments.Parse([file, "--preset", preset]), CancellationToken.None);
        }

        public void Print()
        {
            var c = Counting;
            Console.WriteLine($"  batches                  {c.Batches:N0}");
            Console.WriteLine($"  customer writes          {c.CustomerWrites:N0}  ({(double)c.CustomerWrites / Math.Max(1, c.Applied):N4} per event)");
            Console.WriteLine($"  transition writes        {c.TransitionWrites:N0}");
            Console.WriteLine($"  duplicates / dead / bots {c.Duplicates:N0} / {c.DeadLettered:N0} / {c.Bots:N0}");
        }

        public void Dispose() => Host.Dispose();
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Sums what the processor reports per batch.</summary>
    internal sealed class CountingProcessor : IJourneyProcessor
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
