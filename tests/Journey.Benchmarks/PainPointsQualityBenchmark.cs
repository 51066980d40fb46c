using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using CsvHelper;
using Journey.Adapters.Summaries;
using Journey.Domain.PainPoints;

namespace Journey.Benchmarks;

/// <summary>
/// How well the local text methods find the aspects people complain about, on labelled public
/// review data (docs/benchmarks.md): TF-IDF (a capped vocabulary, and its LSA projection) against
/// all-MiniLM-L6-v2 sentence embeddings, each clustered by every <see cref="ClusteringMethod"/>, with
/// k chosen by the clustering and with k forced to the number of labels; adjusted Rand index and NMI
/// against the labels ("other" counts as one more cluster). Then the speed at 20,000 texts: the
/// embedding (texts/s), TF-IDF with LSA, and the clustering of 20,000 × 384 vectors, whose output is
/// checked to be the same for the texts in another order.
/// </summary>
public static class PainPointsQualityBenchmark
{
    private sealed record LabelledSet(string Name, string Labels, IReadOnlyList<string> Texts, int[] Truth, int LabelCount);

    public static async Task<int> RunAsync(string[] args)
    {
        var data = Option(args, "--data") ?? Path.Combine(FindRoot(), "..", "shared", "data", "reviews");
        var speedTexts = int.Parse(Option(args, "--speed-texts") ?? "20000", CultureInfo.InvariantCulture);
        var batch = int.Parse(Option(args, "--batch") ?? "32", CultureInfo.InvariantCulture);
        var speedOnly = args.Contains("--speed-only");
        var semeval = await ReadCsvAsync(Path.Combine(data, "semeval2016_restaurants_negative.csv"), gzip: false);
        var clothing = await ReadCsvAsync(Path.Combine(data, "womens_clothing_ecommerce_reviews.csv.gz"), gzip: true);
        var negative = clothing.Where(r => r["Rating"] is "1" or "2" && !string.IsNullOrWhiteSpace(r["Review Text"])).ToList();

        var sets = new List<LabelledSet>
        {
            Labelled("SemEval-2016 restaurants, negative sentences", "aspect (entity#attribute)", semeval, r => r["text"], r => r["aspect"]),
            Labelled("SemEval-2016 restaurants, negative sentences", "entity (aspect's first part)", semeval, r => r["text"], r => r["aspect"].Split('#')[0]),
            Labelled("Women's clothing reviews rated 1-2", "Department Name (weak)", negative, r => r["Review Text"], r => r["Department Name"]),
            Labelled("Women's clothing reviews rated 1-2", "Class Name (weak)", negative, r => r["Review Text"], r => r["Class Name"]),
        };

        Console.WriteLine($"{Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd}");
        using var embedder = new MiniLmEmbedder(batch);
        if (speedOnly)
        {
            Speed(embedder, batch, clothing.Select(r => r["Review Text"]).Where(t => !string.IsNullOrWhiteSpace(t)).Take(speedTexts).ToList());
            return 0;
        }

        var embeddings = new Dictionary<string, IReadOnlyList<float[]>>(StringComparer.Ordinal);
        foreach (var set in sets.DistinctBy(s => s.Name))
        {
            var clock = Stopwatch.StartNew();
            embeddings[set.Name] = embedder.Embed(set.Texts, CancellationToken.None);
            Console.WriteLine($"embedded {set.Texts.Count:N0} texts of {set.Name} in {clock.Elapsed.TotalSeconds:N1} s ({set.Texts.Count / clock.Elapsed.TotalSeconds:N0} texts/s, model load included)");
        }

        Console.WriteLine();
        Console.WriteLine($"{"set / labels",-40} {"vectors",-14} {"clustering",-17} {"k",-6} {"K",3} {"silh.",6} {"ARI",6} {"NMI",6} {"other",6}");
        foreach (var set in sets)
        {
            var representations = new (string Name, IReadOnlyList<float[]> Vectors)[]
            {
                ("tfidf", TfIdfVectors.Fit(set.Texts, new TfIdfOptions())),
                ("tfidf-lsa100", TfIdfVectors.Fit(set.Texts, new TfIdfOptions { Dimensions = 100 })),
                ("minilm", embeddings[set.Name]),
            };
            Console.WriteLine($"{set.Name} — {set.Labels}: {set.Texts.Count:N0} texts, {set.LabelCount} labels");
            foreach (var (name, vectors) in representations)
                foreach (var method in Enum.GetValues<ClusteringMethod>())
                    foreach (var forced in new[] { false, true })
                    {
                        var options = new ClusteringOptions { Method = method, FixedClusters = forced ? set.LabelCount : null };
                        var result = TextClustering.Cluster(vectors, options);
                        var ari = ClusteringScores.AdjustedRandIndex(set.Truth, result.Assignments);
                        var nmi = ClusteringScores.NormalizedMutualInformation(set.Truth, result.Assignments);
                        var other = result.Assignments.Count(a => a < 0);
                        Console.WriteLine($"  {"",-38} {name,-14} {method,-17} {(forced ? "=labels" : "auto"),-6} {result.K,3} {result.Silhouette,6:F3} {ari,6:F3} {nmi,6:F3} {other,6}");
                    }

            var shipped = TextClustering.Cluster(embeddings[set.Name], new ClusteringOptions());
            var phrases = KeyPhrases.Extract(set.Texts, shipped.Assignments, shipped.K, 5);
            for (var c = 0; c < shipped.K; c++)
                Console.WriteLine($"    cluster {c} ({shipped.Assignments.Count(a => a == c)} texts): {KeyPhrases.Label(phrases[c])}  [{string.Join(", ", phrases[c])}]");
        }

        if (speedTexts > 0) Speed(embedder, batch, clothing.Select(r => r["Review Text"]).Where(t => !string.IsNullOrWhiteSpace(t)).Take(speedTexts).ToList());
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MB");
        return 0;
    }

    private static void Speed(MiniLmEmbedder embedder, int batch, List<string> texts)
    {
        Console.WriteLine();
        Console.WriteLine($"speed: {texts.Count:N0} clothing reviews (all ratings), mean {texts.Average(t => t.Length):N0} characters");
        var clock = Stopwatch.StartNew();
        var vectors = embedder.Embed(texts, CancellationToken.None);
        Console.WriteLine($"  MiniLM embedding, batches of {batch}          {clock.Elapsed.TotalSeconds,7:N1} s  = {texts.Count / clock.Elapsed.TotalSeconds:N0} texts/s");
        clock.Restart();
        var lsa = TfIdfVectors.Fit(texts, new TfIdfOptions { Dimensions = 100 });
        Console.WriteLine($"  TF-IDF + LSA 100          {clock.Elapsed.TotalSeconds,7:N1} s");
        var shuffled = Enumerable.Range(0, texts.Count).OrderBy(i => unchecked((uint)(i * 2654435761u))).ToArray();
        foreach (var method in Enum.GetValues<ClusteringMethod>())
            foreach (var (name, input) in new[] { ("minilm 384", vectors), ("tfidf-lsa 100", lsa) })
                for (var run = 1; run <= 2; run++)
                {
                    clock.Restart();
                    var result = TextClustering.Cluster(input, new ClusteringOptions { Method = method });
                    var seconds = clock.Elapsed.TotalSeconds;
                    var again = TextClustering.Cluster(shuffled.Select(i => input[i]).ToList(), new ClusteringOptions { Method = method });
                    var same = shuffled.Select((original, position) => again.Assignments[position] == result.Assignments[original]).All(x => x);
                    Console.WriteLine($"  cluster {name,-14} {method,-17} run {run}: {seconds,6:N2} s, K {result.K}, silhouette {result.Silhouette:F3}, other {result.Assignments.Count(a => a < 0)}; shuffled input gives the same clusters: {same}");
                }
    }

    private static LabelledSet Labelled(string name, string labels, List<Dictionary<string, string>> rows, Func<Dictionary<string, string>, string> text, Func<Dictionary<string, string>, string> label)
    {
        var names = rows.Select(label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new LabelledSet(name, labels, rows.Select(text).ToList(), rows.Select(r => names.IndexOf(label(r))).ToArray(), names.Count);
    }

    private static async Task<List<Dictionary<string, string>>> ReadCsvAsync(string path, bool gzip)
    {
        await using var file = File.OpenRead(path);
        await using Stream input = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        await using var csv = CsvReader.Create(input, CsvReaderOptions.Default with { Separator = ',', HasHeader = false, SkipEmptyLines = true }, leaveOpen: true);
        var rows = new List<Dictionary<string, string>>();
        if (!await csv.ReadAsync(CancellationToken.None)) return rows;
        var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i)).ToList();
        while (await csv.ReadAsync(CancellationToken.None))
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++) row[header[i]] = i < csv.FieldCount ? csv.GetString(i) : "";
            rows.Add(row);
        }

        return rows;
    }

    private static string FindRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Journey.Functions.sln"))) root = root.Parent;
        return root?.FullName ?? ".";
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
