using Journey.Benchmarks;

// Benchmark commands; each prints its figures. See docs/benchmarks.md for the recorded results.
return args.FirstOrDefault() switch
{
    "bare" => await BareServer.RunAsync(args[1..]),
    "processor" => await ProcessorBenchmark.RunAsync(args[1..]),
    "azure" => await AzureInvocationBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Journey.Benchmarks bare --urls <url>");
    Console.Error.WriteLine("       Journey.Benchmarks processor --file <taobao csv> [--batch 100] [--data <folder>]");
    Console.Error.WriteLine("       Journey.Benchmarks azure --file <taobao csv> [--batch 100] [--partitions 4] [--limit <events>]");
    return 2;
}
