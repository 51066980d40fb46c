using System.Globalization;
using System.IO.Compression;
using Journey.Domain.Events;
using Journey.Domain.Ports;

namespace Journey.Functions.Import;

/// <summary>
/// The <c>import</c> command: reads a file row by row (streaming, bounded memory), turns the rows
/// into events and appends them to the same event stream the collector writes to, in chunks, a
/// few appends in flight at once. Prints progress and a closing summary to the output.
/// Waiting for the processor to drain is the caller's business.
/// </summary>
public sealed class ImportCommand
{
    /// <summary>Appends that may be in flight at once: the stream group-commits concurrent appends.</summary>
    public const int MaxAppendsInFlight = 4;

    /// <summary>Attempts per chunk when the stream answers <see cref="StreamUnavailableException"/>.</summary>
    public const int MaxAppendAttempts = 5;

    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);
    public const long ProgressRows = 100_000;

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly IEventStream stream;
    private readonly TimeProvider clock;
    private readonly TextWriter output;

    public ImportCommand(IEventStream stream, TimeProvider clock, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(output);
        this.stream = stream;
        this.clock = clock;
        this.output = TextWriter.Synchronized(output);
    }

    /// <summary>Imports the file and returns the summary it printed.</summary>
    /// <exception cref="ImportInputException">The file cannot be read as the arguments say (its header lacks a mapped column, it is not gzip ...).</exception>
    /// <exception cref="StreamUnavailableException">The stream did not accept a chunk after <see cref="MaxAppendAttempts"/> attempts; re-running the import is safe.</exception>
    public async Task<ImportSummary> RunAsync(ImportArguments args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var run = new Run(this, args);
        await using var input = OpenRead(args.FilePath);
        var reader = CreateReader(args);

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"import: reading {Path.GetFileName(args.FilePath)} as import:{args.SourceName}, {args.BatchSize:N0} events per append"));
        try
        {
            await foreach (var record in reader.ReadAsync(input, ct).WithCancellation(ct))
            {
                await run.AddAsync(record, ct);
            }
            await run.CompleteAsync(ct);
        }
        catch (InvalidDataException ex) when (IsGzip(args.FilePath))
        {
            await run.AbandonAsync();
            throw new ImportInputException($"{Path.GetFileName(args.FilePath)} is not valid gzip data: {ex.Message}", ex);
        }
        catch (CsvHelper.CsvFormatException ex)
        {
            await run.AbandonAsync();
            throw new ImportInputException($"{Path.GetFileName(args.FilePath)} cannot be read as CSV: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is not ImportException)
        {
            await run.AbandonAsync();
            await output.WriteLineAsync(run.StoppedLine(ex is OperationCanceledException ? "cancelled" : "stopped"));
            throw;
        }

        var summary = run.Summary();
        await WriteSummaryAsync(summary, args);
        return summary;
    }

    private IImportReader CreateReader(ImportArguments args) => args.Format switch
    {
        ImportFormat.ClickstreamCsv => new ClickstreamCsvReader(ClickstreamLayout.For(args), clock, Path.GetFileName(args.FilePath)),
        ImportFormat.SegmentJsonl => new SegmentJsonlReader(args.SourceName, clock),
        ImportFormat.OrdersCsv when args.Preset == CdnowReader.SourceName => new CdnowReader(clock, Path.GetFileName(args.FilePath), note => output.WriteLine(note)),
        ImportFormat.OrdersCsv => new OrdersCsvReader(OrdersLayout.For(args), clock, Path.GetFileName(args.FilePath)),
        ImportFormat.ReviewsCsv => new ReviewsCsvReader(ReviewsLayout.For(args), clock, Path.GetFileName(args.FilePath)),
        _ => throw new ImportArgumentException($"format {args.Format} cannot be imported."),
    };

    private static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file as a stream, decompressed when its name ends in .gz.</summary>
    internal static Stream OpenRead(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return IsGzip(path) ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
    }

    private async Task WriteSummaryAsync(ImportSummary s, ImportArguments args)
    {
        var text = new System.Text.StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"import finished: {Path.GetFileName(args.FilePath)} as {s.Source} in {s.Elapsed.TotalSeconds:0.0} s ({Rate(s.RowsRead, s.Elapsed)} rows/s)");
        text.AppendLine(c, $"  rows read:     {s.RowsRead,12:N0}");
        text.AppendLine(c, $"  events sent:   {s.EventsSent,12:N0}");
        text.AppendLine(c, $"  rows rejected: {s.RowsRejected,12:N0}");
        if (s.RowsRead - s.RowsRejected != s.EventsSent)
            text.AppendLine(c, $"  rows in events:{s.RowsRead - s.RowsRejected,12:N0} (the lines of one order make one event)");
        if (s.EventsByName.Count > 0)
        {
            text.AppendLine("  events by name:");
            foreach (var (name, count) in s.EventsByName.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
                text.AppendLine(c, $"    {name}: {count:N0}");
        }
        if (s.Rejections.Count > 0)
        {
            text.AppendLine("  rejected rows by reason:");
            foreach (var r in s.Rejections)
            {
                var lines = string.Join(", ", r.FirstLines.Select(l => l.ToString(c)));
                var more = r.Count > r.FirstLines.Count ? ", ..." : "";
                text.AppendLine(c, $"    {r.Reason}: {r.Count:N0} (line{(r.FirstLines.Count > 1 ? "s" : "")} {lines}{more})");
            }
        }
        await output.WriteAsync(text.ToString());
        await output.FlushAsync();
    }

    private static string Rate(long rows, TimeSpan elapsed) =>
        (elapsed.TotalSeconds > 0 ? rows / elapsed.TotalSeconds : 0).ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>One import's state: the chunk being filled, the appends in flight, the counters.</summary>
    private sealed class Run(ImportCommand command, ImportArguments args)
    {
        private readonly long started = command.clock.GetTimestamp();
        private readonly RejectionTally rejections = new();
        private readonly Dictionary<string, long> eventsByName = new(StringComparer.Ordinal);
        private readonly List<(Task Append, List<JourneyEvent> Events)> inFlight = new(MaxAppendsInFlight);
        private List<JourneyEvent> chunk = new(args.BatchSize);
        private long rowsRead;
        private long eventsSent;
        private long lastProgress = command.clock.GetTimestamp();
        private long rowsAtLastProgress;

        public async ValueTask AddAsync(ImportRecord record, CancellationToken ct)
        {
            rowsRead += record.Rows;
            if (record.Event is { } e)
                chunk.Add(e);
            else
                rejections.Add(record.Rejection ?? "rejected", record.Line);

            if (chunk.Count >= args.BatchSize)
                await SendChunkAsync(ct);
            await ProgressAsync();
        }

        public async Task CompleteAsync(CancellationToken ct)
        {
            if (chunk.Count > 0) await SendChunkAsync(ct);
            while (inFlight.Count > 0)
                await HarvestAsync(await Task.WhenAny(inFlight.Select(f => f.Append)));
        }

        /// <summary>Waits for the appends in flight without surfacing their failures (the first failure is already on its way up).</summary>
        public async Task AbandonAsync()
        {
            try
            {
                await Task.WhenAll(inFlight.Select(f => f.Append));
            }
            catch
            {
                // The import fails with the exception that stopped it.
            }
        }

        public string StoppedLine(string how) => string.Create(
            CultureInfo.InvariantCulture,
            $"import {how}: {rowsRead:N0} rows read, {eventsSent:N0} events sent, {rejections.Total:N0} rows rejected so far");

        public ImportSummary Summary() => new(
            "import:" + args.SourceName,
            rowsRead,
            eventsSent,
            rejections.Total,
            new Dictionary<string, long>(eventsByName, StringComparer.Ordinal),
            rejections.ToList(),
            command.clock.GetElapsedTime(started));

        private async ValueTask SendChunkAsync(CancellationToken ct)
        {
            while (inFlight.Count >= MaxAppendsInFlight)
                await HarvestAsync(await Task.WhenAny(inFlight.Select(f => f.Append)));

            var events = chunk;
            chunk = new List<JourneyEvent>(args.BatchSize);
            inFlight.Add((AppendAsync(events, ct), events));
        }

        /// <summary>Counts a finished append (and throws its failure).</summary>
        private async Task HarvestAsync(Task finished)
        {
            var index = inFlight.FindIndex(f => f.Append == finished);
            var events = inFlight[index].Events;
            inFlight.RemoveAt(index);
            await finished;
            eventsSent += events.Count;
            foreach (var e in events)
            {
                var name = EventNames.CounterName(e);
                eventsByName[name] = eventsByName.GetValueOrDefault(name) + 1;
            }
        }

        private async Task AppendAsync(List<JourneyEvent> events, CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await command.stream.AppendAsync(events, ct);
                    return;
                }
                catch (StreamUnavailableException ex) when (attempt < MaxAppendAttempts)
                {
                    var delay = ex.RetryAfter > MaxRetryDelay ? MaxRetryDelay : ex.RetryAfter;
                    await command.output.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"import: the stream did not accept {events.Count:N0} events ({ex.Message}); retrying in {delay.TotalSeconds:0} s (attempt {attempt + 1} of {MaxAppendAttempts})"));
                    await Task.Delay(delay, command.clock, ct);
                }
                catch (StreamUnavailableException ex)
                {
                    throw new StreamUnavailableException(
                        $"the stream did not accept events after {MaxAppendAttempts} attempts: {ex.Message}. Running the same import again is safe: events already sent are dropped as duplicates.",
                        ex,
                        ex.RetryAfter);
                }
            }
        }

        private async ValueTask ProgressAsync()
        {
            if (rowsRead - rowsAtLastProgress < ProgressRows && command.clock.GetElapsedTime(lastProgress) < ProgressInterval)
                return;
            lastProgress = command.clock.GetTimestamp();
            rowsAtLastProgress = rowsRead;
            var elapsed = command.clock.GetElapsedTime(started);
            await command.output.WriteLineAsync(
                string.Create(CultureInfo.InvariantCulture, $"import: {rowsRead:N0} rows read, {eventsSent:N0} events sent, {rejections.Total:N0} rejected, {Rate(rowsRead, elapsed)} rows/s"));
        }
    }
}
