using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Journey.Adapters.Stream.Embedded;
using Journey.Domain.Events;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Journey.Functions.Import;
using Journey.Functions.Tests.Support;

namespace Journey.Benchmarks;

/// <summary>
/// The Azure path's processor: the built app started as the Functions host starts a custom handler
/// (FUNCTIONS_CUSTOMHANDLER_PORT), with the Cosmos DB adapter against the Cosmos DB test server
/// (through <see cref="CosmosProxy"/>). A clickstream file is turned into Event Hubs trigger
/// invocation payloads (batches of <c>--batch</c> events per partition, in partition order, as the
/// host delivers them) and posted to <c>POST /ProcessEvents</c>, partitions in parallel. Prints
/// events/s, the Cosmos DB operations per event by kind with the charges the server reported, and
/// an estimate of RU per 1,000 events from Cosmos DB's documented per-operation costs.
/// </summary>
public static partial class AzureInvocationBenchmark
{
    // Documented RU of a point read and of a write (default indexing), by document size in KB
    // (learn.microsoft.com/azure/cosmos-db/understand-request-unit-consumption, session consistency).
    private static readonly (double Kb, double Read, double Write)[] DocumentedCosts =
    [
        (1, 1.00, 4.95), (2, 1.04, 6.29), (4, 1.14, 6.67), (8, 1.33, 7.04), (16, 1.67, 9.52), (32, 2.19, 11.23), (64, 4.76, 22.67),
    ];

    /// <summary>Assumed RU of one single-partition query page (no documented per-operation figure).</summary>
    private const double AssumedQueryPage = 3.0;

    public static async Task<int> RunAsync(string[] args)
    {
        var file = Option(args, "--file") ?? throw new ArgumentException("--file <clickstream csv> is required");
        var preset = Option(args, "--preset") ?? "taobao";
        var batchSize = int.Parse(Option(args, "--batch") ?? "100", CultureInfo.InvariantCulture);
        var partitions = int.Parse(Option(args, "--partitions") ?? "4", CultureInfo.InvariantCulture);
        var limit = int.Parse(Option(args, "--limit") ?? "0", CultureInfo.InvariantCulture);

        // 1. the file through the real import mapping, kept in memory, split by partition
        var capture = new CapturingStream();
        var summary = await new ImportCommand(capture, TimeProvider.System, TextWriter.Null).RunAsync(ImportArguments.Parse([file, "--preset", preset]), CancellationToken.None);
        var events = limit > 0 ? capture.Events.Take(limit).ToList() : capture.Events;
        var enqueued = DateTimeOffset.UtcNow;
        var payloads = events
            .GroupBy(e => StreamPartitioner.PartitionOf(e.ProfileKey, partitions))
            .OrderBy(g => g.Key)
            .Select(g => g.Chunk(batchSize).Select((chunk, i) => Payload(g.Key, (long)i * batchSize, chunk, enqueued)).ToList())
            .ToList();
        var batches = payloads.Sum(p => p.Count);
        Console.WriteLine($"file {Path.GetFileName(file)}: {summary.EventsSent:N0} events, {events.Count:N0} used; {partitions} partitions, {batches:N0} invocations of up to {batchSize} events; {Environment.ProcessorCount} cores");

        // 2. the Cosmos DB test server behind the fix-up proxy, and the app as a custom handler
        await using var cosmos = await CosmosProxy.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "journey-azure-bench-" + Guid.NewGuid().ToString("N"));
        await using var app = await AppProcess.StartAsCustomHandlerAsync(Path.GetDirectoryName(RepoPaths.AppDll)!, data, new Dictionary<string, string>
        {
            ["CosmosConnection"] = cosmos.ConnectionString,
            ["Cosmos__DatabaseName"] = "journey-bench",
        });
        cosmos.ResetCounts();

        // 3. post: partitions in parallel, each partition's batches in order (one at a time, as the trigger does)
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        var totals = new long[4]; // applied, duplicates, dead-lettered, customer writes
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(payloads.Select(async partition =>
        {
            foreach (var payload in partition)
            {
                using var content = new StringContent(payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
                using var response = await http.PostAsync("/ProcessEvents", content);
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"ProcessEvents answered {(int)response.StatusCode}: {body}\n{app.Output}");
                var log = JsonDocument.Parse(body).RootElement.GetProperty("logs")[0].GetString()!;
                var m = LogLine().Match(log);
                Interlocked.Add(ref totals[0], long.Parse(m.Groups["applied"].Value, CultureInfo.InvariantCulture));
                Interlocked.Add(ref totals[1], long.Parse(m.Groups["duplicates"].Value, CultureInfo.InvariantCulture));
                Interlocked.Add(ref totals[2], long.Parse(m.Groups["dead"].Value, CultureInfo.InvariantCulture));
                Interlocked.Add(ref totals[3], long.Parse(m.Groups["writes"].Value, CultureInfo.InvariantCulture));
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var operations = cosmos.Operations();

        Console.WriteLine($"processed in               {seconds:N2} s = {events.Count / seconds:N0} events/s through POST /ProcessEvents");
        Console.WriteLine($"applied / dup / dead       {totals[0]:N0} / {totals[1]:N0} / {totals[2]:N0}; customer writes {totals[3]:N0} ({(double)totals[3] / Math.Max(1, totals[0]):N3} per applied event)");
        Console.WriteLine($"charges reported           {operations.Sum(o => o.RequestCharge):N0} RU in {operations.Sum(o => o.Count):N0} requests (the test server charges 1 RU a request)");
        Console.WriteLine();
        Console.WriteLine("container     operation  count     per 1k events  failed  avg KB  est. RU each  est. RU per 1k events");
        double estimate = 0;
        foreach (var o in operations.Where(o => o.Container != "-"))
        {
            var kb = o.Kind is "read" ? (o.Count - o.Failed > 0 ? o.BytesRead / 1024.0 / (o.Count - o.Failed) : 0)
                : o.Kind is "create" or "upsert" or "replace" ? o.BytesWritten / 1024.0 / Math.Max(1, o.Count) : 0;
            var each = o.Kind switch
            {
                "read" => Interpolate(kb, read: true),
                "create" or "upsert" or "replace" => Interpolate(kb, read: false),
                "delete" => Interpolate(1, read: false),
                "query" or "readfeed" => AssumedQueryPage,
                _ => 0,
            };
            // A read of a missing document (404) is charged as a 1 KB read.
            var ru = (o.Kind == "read" ? (o.Count - o.Failed) * each + o.Failed * 1.0 : o.Count * each) * 1000.0 / events.Count;
            estimate += ru;
            Console.WriteLine($"{o.Container,-13} {o.Kind,-10} {o.Count,-9:N0} {o.Count * 1000.0 / events.Count,-14:N1} {o.Failed,-7:N0} {kb,-7:N2} {each,-13:N2} {ru:N1}");
        }
        var other = operations.Where(o => o.Container == "-").Sum(o => o.Count);
        Console.WriteLine($"(plus {other:N0} account/database/container metadata requests at start-up, not charged per event)");
        Console.WriteLine($"estimated RU per 1,000 events: {estimate:N0}");
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>The documented cost of a document of <paramref name="kb"/> KB, linear between the table's sizes.</summary>
    private static double Interpolate(double kb, bool read)
    {
        var table = DocumentedCosts;
        if (kb <= table[0].Kb) return read ? table[0].Read : table[0].Write;
        for (var i = 1; i < table.Length; i++)
        {
            if (kb > table[i].Kb) continue;
            var (k0, r0, w0) = table[i - 1];
            var (k1, r1, w1) = table[i];
            var f = (kb - k0) / (k1 - k0);
            return read ? r0 + f * (r1 - r0) : w0 + f * (w1 - w0);
        }
        return read ? table[^1].Read : table[^1].Write;
    }

    /// <summary>An Event Hubs trigger invocation (cardinality many, dataType string) as the host posts it.</summary>
    private static string Payload(int partition, long firstSequence, JourneyEvent[] events, DateTimeOffset enqueued)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("Data");
            w.WriteStartArray("events");
            foreach (var e in events) w.WriteStringValue(JourneyJson.Serialize(e));
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("Metadata");
            w.WriteStartObject("PartitionContext");
            w.WriteString("EventHubName", "journey-events");
            w.WriteString("ConsumerGroup", "journey");
            w.WriteString("PartitionId", partition.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteStartArray("SystemPropertiesArray");
            for (var i = 0; i < events.Length; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("x-opt-sequence-number", firstSequence + i);
                w.WriteString("x-opt-enqueued-time", enqueued);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    [GeneratedRegex(@"(?<applied>\d+) applied, (?<duplicates>\d+) duplicates, (?<dead>\d+) dead-lettered, \d+ bots, (?<writes>\d+) customer writes")]
    private static partial Regex LogLine();

    /// <summary>Keeps what the import appends, in order.</summary>
    private sealed class CapturingStream : IEventStream
    {
        private readonly Lock _lock = new();

        public List<JourneyEvent> Events { get; } = [];

        public Task AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken)
        {
            lock (_lock) Events.AddRange(events);
            return Task.CompletedTask;
        }

        public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
