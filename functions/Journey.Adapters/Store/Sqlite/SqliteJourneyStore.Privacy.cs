using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Privacy;
using Journey.Domain.Serialization;
using Microsoft.Data.Sqlite;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>
/// Erasure, export and the suppression list on the SQLite store: a person's feedback by the
/// <c>customer_id</c> index, dead letters by customer id or raw payload, pain points by quote, and the
/// <c>suppressions</c> and <c>suppression_key</c> tables (migration 6).
/// </summary>
public sealed partial class SqliteJourneyStore : IPersonalDataStore, ISuppressionStore
{
    private const string FeedbackByCustomerSql = "SELECT doc, embedding_model, embedding FROM feedback WHERE customer_id = $customer_id";
    private const string DeleteFeedbackSql = "DELETE FROM feedback WHERE id = $id AND period = $period";

    // json_extract of the raw payload unescapes it, so an id is found as it was sent; in any (ASCII) case, for an email.
    private const string DeadLettersMentioningSql =
        "SELECT doc FROM deadletter WHERE json_extract(doc, '$.customerId') = $needle OR instr(lower(json_extract(doc, '$.rawPayload')), lower($needle)) > 0";

    private const string DeleteDeadLetterSql = "DELETE FROM deadletter WHERE id = $id AND day = $day";
    private const string PainPointsQuotingSql = "SELECT doc FROM painpoints WHERE EXISTS (SELECT 1 FROM json_each(doc, '$.quotes') WHERE value = $text)";
    private const string InsertSuppressionSql = "INSERT INTO suppressions(hash, kind, at) VALUES ($hash, $kind, $at) ON CONFLICT(hash) DO NOTHING";
    private const string ListSuppressionsSql = "SELECT hash, kind, at FROM suppressions";
    private const string InsertSuppressionKeySql = "INSERT INTO suppression_key(id, key) VALUES (1, $key) ON CONFLICT(id) DO NOTHING";
    private const string SuppressionKeySql = "SELECT key FROM suppression_key WHERE id = 1";

    // ---- personal data ----

    /// <summary>One indexed read per customer id; ordered here by time, then id.</summary>
    public Task<IReadOnlyList<FeedbackItem>> ListFeedbackByCustomersAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(customerIds);
            EnsureOpen();
            var items = Read(reader =>
            {
                var command = reader.Statement(FeedbackByCustomerSql, "$customer_id");
                var list = new List<FeedbackItem>();
                foreach (var customerId in customerIds.Distinct(StringComparer.Ordinal))
                {
                    command.Parameters[0].Value = customerId;
                    using var rows = command.ExecuteReader();
                    while (rows.Read())
                    {
                        var item = JourneyJson.Deserialize<FeedbackItem>(rows.GetUtf8(0));
                        item.Embedding = rows.IsDBNull(1) || rows.IsDBNull(2) ? null : new FeedbackEmbedding(rows.GetString(1), ToVector(rows.GetFieldValue<byte[]>(2)));
                        list.Add(item);
                    }
                }
                return list;
            });
            items.Sort(static (a, b) =>
            {
                var byTime = a.Time.UtcTicks.CompareTo(b.Time.UtcTicks);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
            });
            return Task.FromResult<IReadOnlyList<FeedbackItem>>(items);
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<FeedbackItem>>(ex);
        }
    }

    /// <summary>One queued write under a savepoint.</summary>
    public Task<int> DeleteFeedbackAsync(IReadOnlyCollection<FeedbackItem> items, CancellationToken cancellationToken) =>
        DeleteKeyedAsync(DeleteFeedbackSql, "$period", items?.Select(i => (i.Id, i.Period)), cancellationToken);

    /// <summary>One read per needle, a scan of the customer ids and raw payloads (dead letters are few).</summary>
    public Task<IReadOnlyList<DeadLetterDocument>> FindDeadLettersAsync(IReadOnlyCollection<string> needles, CancellationToken cancellationToken) =>
        FindDocuments<DeadLetterDocument>(DeadLettersMentioningSql, "$needle", needles, d => d.Id, cancellationToken);

    /// <summary>One queued write under a savepoint.</summary>
    public Task<int> DeleteDeadLettersAsync(IReadOnlyCollection<DeadLetterDocument> letters, CancellationToken cancellationToken) =>
        DeleteKeyedAsync(DeleteDeadLetterSql, "$day", letters?.Select(l => (l.Id, l.Day)), cancellationToken);

    /// <summary>One read per text over the quotes of every pain point (a few dozen rows a period).</summary>
    public Task<IReadOnlyList<PainPointDocument>> FindPainPointsQuotingAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken) =>
        FindDocuments<PainPointDocument>(PainPointsQuotingSql, "$text", texts, d => d.Id, cancellationToken);

    /// <summary>One queued upsert of the row (its period and generation time unchanged).</summary>
    public Task ReplacePainPointAsync(PainPointDocument document, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(document);
            ArgumentException.ThrowIfNullOrEmpty(document.Id, "document.Id");
            var (id, period, doc, generatedAt) = (document.Id, document.Period, JourneyJson.Serialize(document), SortableUtc(document.GeneratedAt));
            return EnsureOpen().EnqueueAsync(w =>
            {
                var insert = w.Statement(InsertPainPointSql, "$id", "$period", "$doc", "$generated_at");
                var p = insert.Parameters;
                p[0].Value = id;
                p[1].Value = period;
                p[2].Value = doc;
                p[3].Value = generatedAt;
                return insert.ExecuteNonQuery();
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    /// <summary>Deletes the rows by id and partition column (<c>$id</c>, <paramref name="keyName"/>) in one queued write under a savepoint; returns how many were stored.</summary>
    private Task<int> DeleteKeyedAsync(string sql, string keyName, IEnumerable<(string Id, string Key)>? keys, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(keys);
            var rows = keys.ToList();
            if (rows.Count == 0) return Task.FromResult(0);
            return EnsureOpen().EnqueueAsync(w => w.InSavepoint(() =>
            {
                var command = w.Statement(sql, "$id", keyName);
                var deleted = 0;
                foreach (var (id, key) in rows)
                {
                    command.Parameters[0].Value = id;
                    command.Parameters[1].Value = key;
                    deleted += command.ExecuteNonQuery();
                }
                return deleted;
            }), cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed<int>(ex);
        }
    }

    private Task<IReadOnlyList<T>> FindDocuments<T>(string sql, string parameter, IReadOnlyCollection<string> values, Func<T, string> idOf, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(values);
            EnsureOpen();
            var docs = Read(reader =>
            {
                var command = reader.Statement(sql, parameter);
                var list = new List<byte[]>();
                foreach (var value in values.Distinct(StringComparer.Ordinal))
                {
                    command.Parameters[0].Value = value;
                    using var rows = command.ExecuteReader();
                    while (rows.Read()) list.Add(rows.GetUtf8(0));
                }
                return list;
            });
            IReadOnlyList<T> found = [.. docs.Select(d => JourneyJson.Deserialize<T>(d)).DistinctBy(idOf, StringComparer.Ordinal)];
            return Task.FromResult(found);
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<T>>(ex);
        }
    }

    // ---- suppression list ----

    /// <summary>Insert-if-absent of the one key row, then its value: one queued write.</summary>
    public Task<byte[]> GetOrAddKeyAsync(byte[] candidate, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(candidate);
            if (candidate.Length == 0) throw new ArgumentException("The key is empty.", nameof(candidate));
            var copy = candidate.ToArray();
            return EnsureOpen().EnqueueAsync(w =>
            {
                var insert = w.Statement(InsertSuppressionKeySql, "$key");
                insert.Parameters[0].SqliteType = SqliteType.Blob;
                insert.Parameters[0].Value = copy;
                insert.ExecuteNonQuery();
                var select = w.Statement(SuppressionKeySql);
                return (byte[])select.ExecuteScalar()!;
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed<byte[]>(ex);
        }
    }

    /// <summary>One queued write under a savepoint; a hash already stored is left as it is.</summary>
    public Task AddAsync(IReadOnlyCollection<SuppressionEntry> entries, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(entries);
            if (entries.Count == 0) return Task.CompletedTask;
            var rows = entries.Select(e => (e.Hash, e.Kind, At: SortableUtc(e.At))).ToList();
            return EnsureOpen().EnqueueAsync(w => w.InSavepoint(() =>
            {
                var command = w.Statement(InsertSuppressionSql, "$hash", "$kind", "$at");
                var added = 0;
                foreach (var (hash, kind, at) in rows)
                {
                    command.Parameters[0].Value = hash;
                    command.Parameters[1].Value = kind;
                    command.Parameters[2].Value = at;
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

    /// <summary>The whole table, one read.</summary>
    public Task<IReadOnlyList<SuppressionEntry>> ListAsync(CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            EnsureOpen();
            var entries = Read(reader =>
            {
                var command = reader.Statement(ListSuppressionsSql);
                var list = new List<SuppressionEntry>();
                using var rows = command.ExecuteReader();
                while (rows.Read())
                    list.Add(new SuppressionEntry(rows.GetString(0), rows.GetString(1), DateTimeOffset.Parse(rows.GetString(2), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)));
                return list;
            });
            return Task.FromResult<IReadOnlyList<SuppressionEntry>>(entries);
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<SuppressionEntry>>(ex);
        }
    }
}
