using Journey.Domain.Metrics;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>
/// The daily job's side of the SQLite store: the <c>metrics</c> table (one row per kind per date)
/// and the customers' predictions and lifecycle status (table <c>customer_predictions</c>). They live in a
/// table of their own, as a Cosmos DB Patch touches only <c>/predictions</c> and <c>/lifecycle/status</c>: the
/// job sets them without rewriting (or racing) the processor's documents (a customer row holds the whole
/// document; a predictions row is small), and reads merge them into the document.
/// </summary>
public sealed partial class SqliteJourneyStore : IMetricsStore, IPredictionStore
{
    public Task UpsertAsync(MetricsDocument document, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(document);
            ArgumentException.ThrowIfNullOrEmpty(document.Id, nameof(document) + ".Id");
            var writer = EnsureOpen();
            var (id, kind, date) = (document.Id, document.Kind, document.Date);
            var json = JourneyJson.Serialize(document);
            return writer.EnqueueAsync(w =>
            {
                w.UpsertMetrics(id, kind, date, json);
                return true;
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }

    public Task<MetricsDocument?> GetAsync(string kind, string date, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentException.ThrowIfNullOrEmpty(kind);
            ArgumentException.ThrowIfNullOrEmpty(date);
            EnsureOpen();
            var doc = Read(reader =>
            {
                var command = reader.GetMetrics;
                command.Parameters[0].Value = MetricsDocument.IdFor(kind, date);
                using var row = command.ExecuteReader();
                return row.Read() ? row.GetUtf8(0) : null;
            });
            return Task.FromResult(doc is null ? null : JourneyJson.Deserialize<MetricsDocument>(doc));
        }
        catch (Exception ex)
        {
            return Failed<MetricsDocument?>(ex);
        }
    }

    public Task<IReadOnlyList<MetricsDocument>> ListAsync(string date, CancellationToken cancellationToken) =>
        ReadList<MetricsDocument>(reader => reader.ListMetrics, date, cancellationToken);

    public Task<string?> LatestDateAsync(CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            EnsureOpen();
            return Task.FromResult(Read(reader => reader.LatestMetricsDate.ExecuteScalar() as string));
        }
        catch (Exception ex)
        {
            return Failed<string?>(ex);
        }
    }

    public Task<IReadOnlyList<MetricsDocument>> ListSeriesAsync(string kind, string since, string until, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentException.ThrowIfNullOrEmpty(kind);
            ArgumentException.ThrowIfNullOrEmpty(since);
            ArgumentException.ThrowIfNullOrEmpty(until);
            EnsureOpen();
            var docs = Read(reader =>
            {
                var command = reader.ListMetricsSeries;
                var p = command.Parameters;
                p[0].Value = kind;
                p[1].Value = since;
                p[2].Value = until;
                var list = new List<byte[]>();
                using var rows = command.ExecuteReader();
                while (rows.Read()) list.Add(rows.GetUtf8(0));
                return list;
            });
            IReadOnlyList<MetricsDocument> series = [.. docs.Select(d => JourneyJson.Deserialize<MetricsDocument>(d))];
            return Task.FromResult(series);
        }
        catch (Exception ex)
        {
            return Failed<IReadOnlyList<MetricsDocument>>(ex);
        }
    }

    /// <summary>All the updates in one queued write (one transaction unless the writer splits the group); ids that do not exist are skipped.</summary>
    public Task PatchPredictionsAsync(IReadOnlyCollection<PredictionUpdate> updates, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(updates);
            if (updates.Count == 0) return Task.CompletedTask;
            var writer = EnsureOpen();
            var rows = new (string Id, string? Predictions, string? Lifecycle)[updates.Count];
            var i = 0;
            foreach (var update in updates)
            {
                ArgumentNullException.ThrowIfNull(update, nameof(updates));
                ArgumentException.ThrowIfNullOrEmpty(update.CustomerId, "update.CustomerId");
                rows[i++] = (update.CustomerId,
                    update.Predictions is null ? null : JourneyJson.Serialize(update.Predictions),
                    update.Lifecycle is null ? null : JourneyJson.Serialize(update.Lifecycle));
            }
            return writer.EnqueueAsync(w => w.PatchPredictions(rows), cancellationToken);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }
    }
}
