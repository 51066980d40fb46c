using System.Diagnostics;
using System.Globalization;
using Journey.Application.Metrics;
using Journey.Adapters.Store.Sqlite;
using Journey.Domain.Metrics;
using Journey.Domain.Stages;
using Microsoft.Extensions.Logging.Abstractions;

namespace Journey.Benchmarks;

/// <summary>
/// The daily job on a local data folder (e.g. one <c>synthetic</c> filled), with the time of each
/// phase: the scan (with the streaming metrics), the per-customer metrics and CLV, the prediction
/// patches; then CLV fit and scoring time, total time and peak memory. Run it on a copy: the job
/// writes metrics and predictions, and a second run writes nothing. <c>--scan-only</c> times the
/// store's projection scan alone; <c>--journey-only</c> the journey map's transitions scan alone,
/// with the memory its accumulator keeps.
/// </summary>
public static class DailyJobBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var data = Option(args, "--data") ?? throw new ArgumentException("--data <folder> is required");
        var asOf = DateOnly.ParseExact(Option(args, "--as-of") ?? "2026-06-30", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        await using var store = new SqliteJourneyStore(SqliteStoreOptions.ForDataDirectory(data), NullLogger<SqliteJourneyStore>.Instance);
        var job = new DailyJob(store, store, store, store, new JourneyRulesOptions(), new DailyJobOptions(), TimeProvider.System, NullLogger<DailyJob>.Instance);

        if (args.Contains("--journey-only"))
        {
            // The journey phase alone: the transitions scan into the accumulator, and what the accumulator keeps.
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var sw = Stopwatch.StartNew();
            var journey = new JourneyMapAccumulator(asOf);
            await foreach (var t in store.ScanTransitionsAsync(null, CancellationToken.None)) journey.Add(t);
            var scanned = sw.Elapsed;
            var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            sw.Restart();
            var result = journey.Result();
            Console.WriteLine($"journey map as of {asOf:yyyy-MM-dd}: {journey.Counted:N0} transitions of {journey.Customers:N0} customers ({journey.Skipped:N0} left out)");
            Console.WriteLine($"  scan + accumulate {scanned.TotalSeconds,6:N1} s");
            Console.WriteLine($"  result            {sw.Elapsed.TotalSeconds,6:N2} s ({result.Links.Count} links, {result.PathsToFirstOrder.Paths.Count} paths)");
            Console.WriteLine($"  retained by the accumulator {retained / (1024.0 * 1024):N0} MiB ({(double)retained / Math.Max(1, journey.Customers):N0} bytes a customer)");
            GC.KeepAlive(journey);
            return 0;
        }
        if (args.Contains("--scan-only"))
        {
            var sw = Stopwatch.StartNew();
            long n = 0;
            await foreach (var c in store.ScanProjectionsAsync(CancellationToken.None)) n += c.Orders.Count;
            Console.WriteLine($"scan only {sw.Elapsed.TotalSeconds:N1} s ({n})");
            return 0;
        }
        var clock = Stopwatch.StartNew();
        var phase = "scan";
        var phaseStart = TimeSpan.Zero;
        var allocatedAtStart = GC.GetTotalAllocatedBytes();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Phase == phase) return;
            var allocated = GC.GetTotalAllocatedBytes();
            Console.WriteLine($"  {phase,-12} {(clock.Elapsed - phaseStart).TotalSeconds,6:N1} s, allocated {(allocated - allocatedAtStart) / (1024.0 * 1024):N0} MiB, heap {GC.GetGCMemoryInfo().HeapSizeBytes / (1024.0 * 1024):N0} MiB");
            (phase, phaseStart, allocatedAtStart) = (p.Phase, clock.Elapsed, allocated);
        });
        var summary = await job.RunAsync(asOf, progress, CancellationToken.None);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"daily job as of {asOf:yyyy-MM-dd}: {summary.CustomersScanned:N0} customers, {summary.CustomersPatched:N0} customers patched, {summary.MetricsWritten} documents written");
        Console.WriteLine($"  journey map  {summary.JourneySeconds,6:N2} s ({summary.TransitionsCounted:N0} transitions)");
        Console.WriteLine($"  CLV fit      {summary.ClvFitSeconds,6:N2} s");
        Console.WriteLine($"  CLV scoring  {summary.ClvScoreSeconds,6:N2} s");
        Console.WriteLine($"  total        {clock.Elapsed.TotalSeconds,6:N1} s");
        Console.WriteLine($"  peak working set {process.PeakWorkingSet64 / (1024.0 * 1024):N0} MiB");
        return 0;
    }

    private sealed class SynchronousProgress(Action<DailyJobProgress> report) : IProgress<DailyJobProgress>
    {
        public void Report(DailyJobProgress value) => report(value);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
