using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Data.Sqlite;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>
/// The summarizer's side of the SQLite store: the <c>feedback</c> table (one row per redacted text:
/// the document as JSON without its embedding, which is kept in <c>embedding_model</c> and
/// <c>embedding</c>, float32 little-endian bytes, so the summarizer's vectors do not bloat the JSON)
/// and the <c>painpoints</c> table (one row per pain point, with <c>generated_at</c> for the latest
/// period). Views <c>feedback_v</c> and <c>painpoints_v</c> serve BI tools.
/// </summary>
public sealed partial class SqliteJourneyStore : IFeedbackStore, IPainPointStore
{
    private const int FeedbackPageSize = 1000;

    private const string InsertFeedbackSql =
        """
        INSERT INTO feedback(id, period, time, customer_id, kind, doc, embedding_model, embedding)
        VALUES ($id, $period, $time, $customer_id, $kind, $doc, $embedding_model, $embedding)
        ON CONFLICT(id) DO NOTHING
        """;

    private const string SetEmbeddingSql = "UPDATE feedback SET embedding_model = $embedding_model, embedding = $embedding WHERE id = $id";

    private const string ListFeedbackSql =
        """
        SELECT id, time, doc, embedding_model, embedding FROM feedback
        WHERE (time, id) > ($after_time, $after_id) AND time < $until
        ORDER BY time, id LIMIT $limit
        """;

    private const string DeletePainPointsSql = "DELETE FROM painpoints WHERE period = $period";
    private const string InsertPainPointSql = "INSERT INTO painpoints(id, period, doc, generated_at) VALUES ($id, $period, $doc, $generated_at) ON CONFLICT(id) DO UPDATE SET period = excluded.period, doc = excluded.doc, generated_at = excluded.generated_at";
    private const string ListPainPointsSql = "SELECT doc FROM painpoints WHERE period = $period";
    private const string LatestPainPointPeriodSql = "SELECT period FROM painpoints ORDER BY generated_at DESC, period DESC LIMIT 1";

    private readonly record struct FeedbackRow(string Id, string Period, string Time, string CustomerId, string Kind, string Doc, string? EmbeddingModel, byte[]? Embedding);

    // ---- feedback ----

    /// <summary>All the items in one queued write, under a savepoint; an id already stored is left as it is.</summary>
    public Task AddAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(items);
            if (items.Count == 0) return Task.CompletedTask;
            var writer = EnsureOpen();
            var rows = new FeedbackRow[items.Count];
            var i = 0;
            foreach (var item in items)
            {
                ArgumentNullException.ThrowIfNull(item, nameof(items));
                ArgumentException.ThrowIfNullOrEmpty(item.Id, "item.Id");
                var embedding = item.Embedding;
                var node = JsonSerializer.SerializeToNode(item, JourneyJson.Options)!.AsObject();
                node.Remove("embedding");
                var doc = node.ToJsonString(JourneyJson.Options);
                rows[i++] = new FeedbackRow(item.Id, item.Period, SortableUtc(item.Time), item.CustomerId, item.Kind, doc, embedding?.Model, embedding is null ? null : ToBytes(embedding.Vector));
            }
            return writer.EnqueueAsync(w => w.InSavepoint(() =>
            {
                var command = w.Statement(InsertFeedbackSql, "$id", "$period", "$time", "$customer_id", "$kind", "$doc", "$embedding_model", "$embedding");
                var p = command.Parameters;
                p[7].SqliteType = SqliteType.Blob;
                var added = 0;
                foreach (var row in rows)
                {
                    p[0].Value = row.Id;
                    p[1].Value = row.Period;
                    p[2].Value = row.Time;
                    p[3].Value = row.CustomerId;
                    p[4].Value = row.Kind;
                    p[5].Value = row.Doc;
                    p[6].Value = (object?)row.EmbeddingModel ?? DBNull.Value;
                    p[7].Value = (object?)row.Embedding ?? DBNull.Value;
                    added += command.ExecuteNonQuery();
                }
                return added;
            }), cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    /// <summary>Keyset pages by (time, id) on the <c>time</c> index (UTC text, so text order is time order); no read transaction spans the scan.</summary>
    public async IAsyncEnumerable<FeedbackItem> ListAsync(DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        EnsureOpen();
        var untilText = SortableUtc(until);
        // (time, id) > (since, "") holds for every row at or after since: no id is empty.
        var (afterTime, afterId) = (SortableUtc(since), "");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = ReadFeedbackPage(afterTime, afterId, untilText);
            foreach (var item in page.Items) yield return item;
            if (page.Items.Count < FeedbackPageSize) yield break;
            (afterTime, afterId) = (page.LastTime, page.Items[^1].Id);
        }
    }

    private (List<FeedbackItem> Items, string LastTime) ReadFeedbackPage(string afterTime, string afterId, string until) =>
            Read(reader =>
            {
                var command = reader.Statement(ListFeedbackSql, "$after_time", "$after_id", "$until", "$limit");
                var p = command.Parameters;
                p[0].Value = afterTime;
                p[1].Value = afterId;
                p[2].Value = until;
                p[3].SqliteType = SqliteType.Integer;
                p[3].Value = FeedbackPageSize;
                var items = new List<FeedbackItem>(FeedbackPageSize);
                var lastTime = afterTime;
                using var rows = command.ExecuteReader();
                while (rows.Read())
                {
                    lastTime = rows.GetString(1);
                    var item = JourneyJson.Deserialize<FeedbackItem>(rows.GetUtf8(2));
                    item.Embedding = rows.IsDBNull(3) || rows.IsDBNull(4) ? null : new FeedbackEmbedding(rows.GetString(3), ToVector(rows.GetFieldValue<byte[]>(4)));
                    items.Add(item);
                }
                return (items, lastTime);
            });

    /// <summary>One queued write, under a savepoint: each item's embedding by id; ids not stored are skipped, items without an embedding too.</summary>
    public Task SetEmbeddingsAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(items);
            var rows = new List<(string Id, string Model, byte[] Vector)>(items.Count);
            foreach (var item in items)
            {
                ArgumentNullException.ThrowIfNull(item, nameof(items));
                if (item.Embedding is { } embedding) rows.Add((item.Id, embedding.Model, ToBytes(embedding.Vector)));
            }
            if (rows.Count == 0) return Task.CompletedTask;
            return EnsureOpen().EnqueueAsync(w => w.InSavepoint(() =>
            {
                var command = w.Statement(SetEmbeddingSql, "$embedding_model", "$embedding", "$id");
                var p = command.Parameters;
                p[1].SqliteType = SqliteType.Blob;
                var set = 0;
                foreach (var (id, model, vector) in rows)
                {
                    p[0].Value = model;
                    p[1].Value = vector;
                    p[2].Value = id;
                    set += command.ExecuteNonQuery();
                }
                return set;
            }), cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    /// <summary>A vector as float32 little-endian bytes (4 per dimension), the same on every machine.</summary>
    internal static byte[] ToBytes(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return bytes;
    }

    internal static float[] ToVector(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length % sizeof(float) != 0) throw new FormatException($"An embedding of {bytes.Length} bytes is not float32 values.");
        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++) vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        return vector;
    }

    // ---- pain points ----

    /// <summary>One queued write, under a savepoint: the period's rows deleted and these inserted, so a reader sees the old set or the new one.</summary>
    public Task ReplacePeriodAsync(string period, IReadOnlyCollection<PainPointDocument> documents, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentException.ThrowIfNullOrEmpty(period);
            ArgumentNullException.ThrowIfNull(documents);
            var rows = new List<(string Id, string Doc, string GeneratedAt)>(documents.Count);
            foreach (var document in documents)
            {
                ArgumentNullException.ThrowIfNull(document, nameof(documents));
                ArgumentException.ThrowIfNullOrEmpty(document.Id, "document.Id");
                if (document.Period != period) throw new ArgumentException($"Document {document.Id} is of period {document.Period}, not {period}.", nameof(documents));
                rows.Add((document.Id, JourneyJson.Serialize(document), SortableUtc(document.GeneratedAt)));
            }
            return EnsureOpen().EnqueueAsync(w => w.InSavepoint(() =>
            {
                var delete = w.Statement(DeletePainPointsSql, "$period");
                delete.Parameters[0].Value = period;
                delete.ExecuteNonQuery();
                var insert = w.Statement(InsertPainPointSql, "$id", "$period", "$doc", "$generated_at");
                var p = insert.Parameters;
                foreach (var (id, doc, generatedAt) in rows)
                {
                    p[0].Value = id;
                    p[1].Value = period;
                    p[2].Value = doc;
                    p[3].Value = generatedAt;
                    insert.ExecuteNonQuery();
                }
                return rows.Count;
            }), cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    Task<IReadOnlyList<PainPointDocument>> IPainPointStore.ListAsync(string period, CancellationToken cancellationToken) =>
        ListPainPointsAsync(period, cancellationToken);

    /// <summary>The period's documents, ordered by rank (then id) (<see cref="IPainPointStore.ListAsync"/>).</summary>
    public Task<IReadOnlyList<PainPointDocument>> ListPainPointsAsync(string period, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentException.ThrowIfNullOrEmpty(period);
            EnsureOpen();
            return Task.FromResult<IReadOnlyList<PainPointDocument>>(ReadPainPoints(period));
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<PainPointDocument>>(ex);
        }
    }

    /// <summary>The period of the newest <c>generated_at</c> (one read of its index), then its documents.</summary>
    public Task<IReadOnlyList<PainPointDocument>> LatestAsync(CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            EnsureOpen();
            var period = Read(reader => reader.Statement(LatestPainPointPeriodSql).ExecuteScalar() as string);
            return Task.FromResult<IReadOnlyList<PainPointDocument>>(period is null ? [] : ReadPainPoints(period));
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<PainPointDocument>>(ex);
        }
    }

    private List<PainPointDocument> ReadPainPoints(string period)
    {
        var docs = Read(reader =>
        {
            var command = reader.Statement(ListPainPointsSql, "$period");
            command.Parameters[0].Value = period;
            var list = new List<byte[]>();
            using var rows = command.ExecuteReader();
            while (rows.Read()) list.Add(rows.GetUtf8(0));
            return list;
        });
        var documents = docs.Select(d => JourneyJson.Deserialize<PainPointDocument>(d)).ToList();
        documents.Sort(static (a, b) =>
        {
            var byRank = a.Rank.CompareTo(b.Rank);
            return byRank != 0 ? byRank : string.CompareOrdinal(a.Id, b.Id);
        });
        return documents;
    }
}
