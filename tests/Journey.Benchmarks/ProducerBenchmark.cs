using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Events;
using Journey.Domain.Serialization;

namespace Journey.Benchmarks;

/// <summary>
/// The Event Hubs producer's own cost per collector request: <see cref="EventHubsProducer.AppendAsync"/> against a
/// client that completes every call at once (a hand-written <see cref="EventHubProducerClient"/> subclass, not Moq,
/// whose interception would dominate; batches from <see cref="EventHubsModelFactory.EventDataBatch"/>). Requests
/// like the collector's: a pixel hit (one event), a Segment batch of 10 events of one browser, and a server-side
/// batch of 10 events of 10 profiles (10 batches). Each shape single-threaded, then from concurrent callers.
/// Prints µs of CPU and bytes allocated per request, and for reference the same for <see cref="JourneyEventJson.ToUtf8"/> of
/// the request's events (the producer writes the same bytes through a buffer kept per thread).
/// What it leaves out: the SDK's AMQP encoding inside a real batch's <c>TryAdd</c> and the network.
/// </summary>
public static class ProducerBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = int.Parse(Option(args, "--requests") ?? "200000", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Option(args, "--concurrency") ?? "32", CultureInfo.InvariantCulture);
        var options = new EventHubsOptions { FullyQualifiedNamespace = "bench.servicebus.windows.net" };
        await using var producer = new EventHubsProducer(new ImmediateEventHub(), options, ownsClient: false);
        Console.WriteLine($"Event Hubs producer over a client that completes at once: {requests:N0} requests per run, {concurrency} concurrent callers, {Environment.ProcessorCount} cores");

        var shapes = new (string Name, Func<int, IReadOnlyList<JourneyEvent>> Request)[]
        {
            ("pixel hit, 1 event", i => [Pixel(i)]),
            ("batch, 10 events of 1 profile", i => [.. Enumerable.Range(0, 10).Select(k => Pixel(i) with { MessageId = $"m{i}-{k}" })]),
            ("batch, 10 events of 10 profiles", i => [.. Enumerable.Range(0, 10).Select(k => Pixel(i * 10 + k))]),
        };

        foreach (var (name, request) in shapes)
        {
            // the requests are made before the clock starts: the collector's reader builds the events, not the producer
            var prepared = Enumerable.Range(0, 1024).Select(request).ToArray();
            await RunAsync(producer, prepared, requests / 10, 1); // warm-up: JIT, tiering, pools
            Console.WriteLine(name);
            Print("  ToUtf8 of its events (ref.)", Measure(() =>
            {
                for (var i = 0; i < requests; i++)
                {
                    foreach (var evt in prepared[i % prepared.Length]) JourneyEventJson.ToUtf8(evt);
                }
            }), requests);
            Print("  append, single-threaded   ", await MeasureAsync(() => RunAsync(producer, prepared, requests, 1)), requests);
            Print($"  append, {concurrency,2} callers        ", await MeasureAsync(() => RunAsync(producer, prepared, requests, concurrency)), requests);
        }

        Console.WriteLine($"batches sent {producer.BatchesSent:N0}, events sent {producer.EventsSent:N0}");
        return 0;
    }

    private static async Task RunAsync(EventHubsProducer producer, IReadOnlyList<JourneyEvent>[] prepared, int requests, int callers)
    {
        var next = -1;
        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
                await producer.AppendAsync(prepared[i % prepared.Length], CancellationToken.None);
        }));
        await Task.WhenAll(workers);
    }

    private readonly record struct Cost(TimeSpan Cpu, TimeSpan Wall, long Allocated);

    private static Cost Measure(Action run) => MeasureAsync(() =>
    {
        run();
        return Task.CompletedTask;
    }).GetAwaiter().GetResult();

    private static async Task<Cost> MeasureAsync(Func<Task> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        await run();
        wall.Stop();
        var allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        process.Refresh();
        return new Cost(process.TotalProcessorTime - cpu, wall.Elapsed, allocatedAfter - allocated);
    }

    private static void Print(string label, Cost cost, int requests) => Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{label} {cost.Cpu.TotalMicroseconds / requests,7:N2} µs CPU/request  {cost.Allocated / (double)requests,8:N0} B/request  {requests / cost.Wall.TotalSeconds,10:N0} requests/s"));

    /// <summary>A pixel hit as the collector enriches it: page, referrer, campaign, user agent, IP, device, channel.</summary>
    private static JourneyEvent Pixel(int i) => new()
    {
        MessageId = $"m-{i:D8}",
        Type = MessageType.Track,
        Event = "Product Viewed",
        AnonymousId = $"anon-{i % 5000:D6}",
        Timestamp = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero).AddSeconds(i),
        ReceivedAt = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero).AddSeconds(i),
        Page = new PageContext { Path = "/products/42", Url = "https://shop.example/products/42?utm_source=newsletter", Referrer = "https://mail.example/" },
        Properties = JsonSerializer.SerializeToElement(new { product_id = "42", price = 19.9, category = "shoes" }),
        UserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        Ip = "203.0.113.0",
        Device = DeviceClass.Mobile,
        Channel = "email",
        Source = "journey-local",
    };

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>A client whose batches take up to 1 MB of bodies and whose sends complete at once.</summary>
    private sealed class ImmediateEventHub : EventHubProducerClient
    {
        public override ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken = default)
        {
            long bytes = 0;
            return new ValueTask<EventDataBatch>(EventHubsModelFactory.EventDataBatch(1_000_000, new List<EventData>(), options, data =>
            {
                bytes += data.EventBody.ToMemory().Length;
                return bytes <= 1_000_000;
            }));
        }

        public override Task SendAsync(EventDataBatch eventBatch, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
