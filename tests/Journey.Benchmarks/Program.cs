using Journey.Benchmarks;

// Benchmark commands; each prints its figures. See docs/benchmarks.md for the recorded results.
return args.FirstOrDefault() switch
{
    "bare" => await BareServer.RunAsync(args[1..]),
    "processor" => await ProcessorBenchmark.RunAsync(args[1..]),
    "synthetic" => await SyntheticShop.RunAsync(args[1..]),
    "clv" => await ClvBenchmark.RunAsync(args[1..]),
    "daily" => await DailyJobBenchmark.RunAsync(args[1..]),
    "azure" => await AzureInvocationBenchmark.RunAsync(args[1..]),
    "producer" => await ProducerBenchmark.RunAsync(args[1..]),
    "painpoints-quality" => await PainPointsQualityBenchmark.RunAsync(args[1..]),
    "redact" => await RedactBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Journey.Benchmarks bare --urls <url> [--durable <folder>]   (with --durable: each request appended and fdatasync-ed before its 204)");
    Console.Error.WriteLine("       Journey.Benchmarks processor --file <taobao csv> [--batch 100] [--data <folder>] [--setting Key=Value ...]");
    Console.Error.WriteLine("       Journey.Benchmarks synthetic --data <folder> [--customers 1000000] [--as-of 2026-06-30] [--seed n] [--transitions]   (--transitions: each customer's transition documents too)");
    Console.Error.WriteLine("       Journey.Benchmarks clv [--customers 1000000] [--seed 1]");
    Console.Error.WriteLine("       Journey.Benchmarks daily --data <folder> [--as-of 2026-06-30] [--scan-only | --journey-only]   (on a copy: the job writes)");
    Console.Error.WriteLine("       Journey.Benchmarks azure --file <taobao csv> [--batch 100] [--partitions 4] [--limit <events>]");
    Console.Error.WriteLine("       Journey.Benchmarks producer [--requests 200000] [--concurrency 32]   (the Event Hubs producer against a client that completes at once)");
    Console.Error.WriteLine("       Journey.Benchmarks painpoints-quality [--data <reviews folder>] [--speed-texts 20000] [--batch 32] [--speed-only]   (TF-IDF vs MiniLM on labelled reviews: ARI, NMI; embedding and clustering speed)");
    Console.Error.WriteLine("       Journey.Benchmarks redact [--iterations 200000]   (the PII redactor: µs per 500-character review)");
    return 2;
}
