using System.Diagnostics;
using System.Globalization;
using Journey.Domain.Clv;
using Journey.Testing;

namespace Journey.Benchmarks;

/// <summary>
/// The CLV model at the product's scale: simulates customers (default 1,000,000) from known BG/NBD
/// and Gamma-Gamma parameters in whole days with ages up to two years (most customers never buy
/// again), then times <see cref="ClvModel.Fit"/> and scoring every customer. Runs the pair twice:
/// the first run includes the JIT, the second is warm. Prints the figures and the fitted parameters.
/// </summary>
public static class ClvBenchmark
{
    // per day; about two customers in three make no repeat purchase within two years
    private static readonly BgNbdParameters Purchases = new(0.2, 60, 0.8, 2.5);
    private static readonly GammaGammaParameters Spend = new(6, 4, 15);

    public static Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(Option(args, "--customers") ?? "1000000", CultureInfo.InvariantCulture);
        var seed = int.Parse(Option(args, "--seed") ?? "1", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        var customers = ClvSimulator.Simulate(count, Purchases, Spend, maxAge: 730, seed, wholeDays: true);
        var histories = customers.Select(c => c.Summary.Frequency > 0 ? c.Summary : c.Summary with { Recency = 0 }).Distinct().Count();
        var spends = customers.Where(c => c.Summary.Frequency > 0).Select(c => (c.Summary.Frequency, c.MonetaryValue)).Distinct().Count();
        Console.WriteLine($"{count:N0} customers simulated in {clock.Elapsed.TotalSeconds:N1} s, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  x = 0: {customers.Count(c => c.Summary.Frequency == 0):N0}; distinct (x, t_x, T): {histories:N0}; distinct (x, mean value) of repeat customers: {spends:N0}");

        for (var run = 1; run <= 2; run++)
        {
            var process = Process.GetCurrentProcess();
            var cpuStart = process.TotalProcessorTime;
            var total = Stopwatch.StartNew();
            var model = ClvModel.Fit(customers, new ClvOptions());
            var fitSeconds = total.Elapsed.TotalSeconds;
            var scoring = Stopwatch.StartNew();
            var scores = model.ScoreAll(customers);
            var scoreSeconds = scoring.Elapsed.TotalSeconds;
            var totalSeconds = total.Elapsed.TotalSeconds;
            process.Refresh();
            var cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            Console.WriteLine(run == 1 ? "run 1 (cold: includes the JIT)" : "run 2 (warm)");
            Console.WriteLine($"  fit BG/NBD + Gamma-Gamma + standard errors  {fitSeconds,6:N2} s  (BG/NBD {model.BgNbd.FitTime.TotalSeconds:N2} s, {model.BgNbd.Evaluations} evaluations; Gamma-Gamma {model.GammaGamma?.FitTime.TotalSeconds:N2} s, {model.GammaGamma?.Evaluations} evaluations)");
            Console.WriteLine($"  score {scores.Length:N0} customers             {scoreSeconds,6:N2} s  = {scores.Length / scoreSeconds:N0} customers/s");
            Console.WriteLine($"  total                                       {totalSeconds,6:N2} s  (CPU time of the process {cpuSeconds:N2} s; load average {LoadAverage()})");
            if (run == 2)
            {
                var p = model.BgNbd.Parameters;
                var se = model.BgNbdStandardErrors;
                Console.WriteLine($"  BG/NBD  r {p.R:G4} ± {se.R:G2} (true {Purchases.R}), alpha {p.Alpha:G4} ± {se.Alpha:G2} ({Purchases.Alpha}), a {p.A:G4} ± {se.A:G2} ({Purchases.A}), b {p.B:G4} ± {se.B:G2} ({Purchases.B}); ln L {model.BgNbd.LogLikelihood:N1}");
                if (model.GammaGamma is { } gg && model.GammaGammaStandardErrors is { } ggSe)
                    Console.WriteLine($"  Gamma-Gamma  p {gg.Parameters.P:G4} ± {ggSe.P:G2} ({Spend.P}), q {gg.Parameters.Q:G4} ± {ggSe.Q:G2} ({Spend.Q}), gamma {gg.Parameters.Gamma:G4} ± {ggSe.Gamma:G2} ({Spend.Gamma}) on {gg.Customers:N0} repeat customers");
                Console.WriteLine($"  mean predicted 12-month CLV {scores.Average(s => s.PredictedClv12Months):N2}, mean P(alive) {scores.Average(s => s.ProbabilityAlive):N3}");
            }
        }
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MB");
        return Task.FromResult(0);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
