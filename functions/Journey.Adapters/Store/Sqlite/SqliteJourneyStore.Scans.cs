using System.Runtime.CompilerServices;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;
using Microsoft.Data.Sqlite;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>
/// Whole-table reads for exports and the daily job's journey map: keyset pages by id (the primary key),
/// each page one short read, so no read transaction spans the scan; a page is parsed (in parallel) while
/// the next is read and the caller works through the one before, so memory holds three pages. The time filter is on the column the
/// table keeps its time in (UTC text, so text order is time order).
/// </summary>
public sealed partial class SqliteJourneyStore : IDocumentScans
{
    private const int ExportPageSize = 500;

    private const string ScanTransitionsSql = "SELECT id, doc FROM transitions WHERE id > $after AND ($since IS NULL OR at >= $since) ORDER BY id LIMIT $limit";
    private const string ScanMetricsSql = "SELECT id, doc FROM metrics WHERE id > $after AND ($since IS NULL OR date >= $since) ORDER BY id LIMIT $limit";
    private const string ScanFeedbackSql = "SELECT id, doc FROM feedback WHERE id > $after AND ($since IS NULL OR time >= $since) ORDER BY id LIMIT $limit";
    private const string ScanPainPointsSql = "SELECT id, doc FROM painpoints WHERE id > $after AND ($since IS NULL OR json_extract(doc, '$.until') >= $since) ORDER BY id LIMIT $limit";
    private const string ScanActionsSql = "SELECT id, doc FROM actions WHERE id > $after AND ($since IS NULL OR created_at >= $since) ORDER BY id LIMIT $limit";

    public IAsyncEnumerable<TransitionDocument> ScanTransitionsAsync(DateTimeOffset? since, CancellationToken cancellationToken) =>
        ScanTable<TransitionDocument>(ScanTransitionsSql, since is { } s ? SortableUtc(s) : null, cancellationToken);

    public IAsyncEnumerable<MetricsDocument> ScanMetricsAsync(string? sinceDate, CancellationToken cancellationToken) =>
        ScanTable<MetricsDocument>(ScanMetricsSql, sinceDate, cancellationToken);

    public IAsyncEnumerable<FeedbackItem> ScanFeedbackAsync(DateTimeOffset? since, CancellationToken cancellationToken) =>
        ScanTable<FeedbackItem>(ScanFeedbackSql, since is { } s ? SortableUtc(s) : null, cancellationToken);

    public IAsyncEnumerable<PainPointDocument> ScanPainPointsAsync(string? sinceDate, CancellationToken cancellationToken) =>
        ScanTable<PainPointDocument>(ScanPainPointsSql, sinceDate, cancellationToken);

    public IAsyncEnumerable<ActionDocument> ScanActionsAsync(DateTimeOffset? since, CancellationToken cancellationToken) =>
        ScanTable<ActionDocument>(ScanActionsSql, since is { } s ? SortableUtc(s) : null, cancellationToken);

    private IAsyncEnumerable<T> ScanTable<T>(string sql, string? since, CancellationToken cancellationToken) =>
        PipelinedScan(after => ReadScanPage(sql, after, since), static row => row.Id, static row => JourneyJson.Deserialize<T>(row.Doc), ExportPageSize, cancellationToken);

    private List<(string Id, byte[] Doc)> ReadScanPage(string sql, string after, string? since) =>
        Read(reader =>
        {
            var command = reader.Statement(sql, "$after", "$since", "$limit");
            var p = command.Parameters;
            p[0].Value = after;
            p[1].Value = (object?)since ?? DBNull.Value;
            p[2].SqliteType = SqliteType.Integer;
            p[2].Value = ExportPageSize;
            var page = new List<(string, byte[])>(ExportPageSize);
            using var rows = command.ExecuteReader();
            while (rows.Read()) page.Add((rows.GetString(0), rows.GetUtf8(1)));
            return page;
        });
}
