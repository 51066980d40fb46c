using Microsoft.Data.Sqlite;

namespace Journey.Adapters.Store.Sqlite;

/// <summary>
/// The layout of <c>journey.db</c>: one table per Cosmos DB container, each row holding the whole
/// document as JSON (<c>doc</c>) next to the few columns the store queries by, plus read-only
/// views for BI tools. Versioned in <c>schema_version</c>: a change is a new entry in
/// <see cref="Migrations"/>, never an edit of an applied one.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Migration n (1-based) brings the database from version n-1 to n.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: containers and BI views
        """
        CREATE TABLE customers(
            id TEXT PRIMARY KEY,
            etag TEXT NOT NULL,
            doc TEXT NOT NULL,
            updated_at TEXT);

        CREATE TABLE transitions(
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            at TEXT,
            doc TEXT);
        CREATE INDEX ix_transitions_customer_id ON transitions(customer_id, at);

        CREATE TABLE deadletter(
            id TEXT PRIMARY KEY,
            day TEXT,
            doc TEXT);
        CREATE INDEX ix_deadletter_day ON deadletter(day);

        CREATE TABLE metrics(
            id TEXT PRIMARY KEY,
            kind TEXT,
            date TEXT,
            doc TEXT);
        CREATE INDEX ix_metrics_kind_date ON metrics(kind, date);

        CREATE TABLE painpoints(
            id TEXT PRIMARY KEY,
            period TEXT,
            doc TEXT);
        CREATE INDEX ix_painpoints_period ON painpoints(period);

        CREATE VIEW customers_v AS
        SELECT
            id,
            json_extract(doc, '$.userId') AS user_id,
            json_extract(doc, '$.stage') AS stage,
            json_extract(doc, '$.acquisition.channel') AS acquisition_channel,
            json_extract(doc, '$.acquisition.source') AS acquisition_source,
            json_extract(doc, '$.acquisition.medium') AS acquisition_medium,
            json_extract(doc, '$.acquisition.campaign') AS acquisition_campaign,
            json_extract(doc, '$.acquisition.firstDevice') AS first_device,
            strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(doc, '$.firstSeen')) AS first_seen,
            strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(doc, '$.lastSeen')) AS last_seen,
            coalesce(json_extract(doc, '$.orders.count'), 0) AS orders_count,
            coalesce(json_extract(doc, '$.orders.revenue'), 0) AS revenue,
            coalesce(json_extract(doc, '$.sessions.count'), 0) AS sessions_count,
            coalesce(json_extract(doc, '$.sessions.bounces'), 0) AS bounces,
            json_extract(doc, '$.lifecycle.status') AS lifecycle_status,
            json_extract(doc, '$.predictions.probabilityAlive') AS probability_alive,
            json_extract(doc, '$.predictions.predictedClv') AS predicted_clv,
            json_extract(doc, '$.predictions.rfmSegment') AS rfm_segment,
            updated_at
        FROM customers
        WHERE json_extract(doc, '$.mergedInto') IS NULL;

        CREATE VIEW transitions_v AS
        SELECT
            id,
            customer_id,
            json_extract(doc, '$.from') AS from_stage,
            json_extract(doc, '$.to') AS to_stage,
            strftime('%Y-%m-%dT%H:%M:%fZ', at) AS at,
            substr(at, 1, 10) AS day,
            json_extract(doc, '$.triggerEvent') AS trigger_event,
            json_extract(doc, '$.rule') AS rule,
            json_extract(doc, '$.channel') AS channel,
            json_extract(doc, '$.acquisitionChannel') AS acquisition_channel,
            json_extract(doc, '$.firstDevice') AS first_device,
            json_extract(doc, '$.daysSinceFirstTouch') AS days_since_first_touch,
            json_extract(doc, '$.sessionsSinceFirstTouch') AS sessions_since_first_touch
        FROM transitions;

        CREATE VIEW deadletter_v AS
        SELECT
            id,
            day,
            json_extract(doc, '$.reason') AS reason,
            json_extract(doc, '$.partition') AS partition,
            json_extract(doc, '$.sequenceNumber') AS sequence_number,
            json_extract(doc, '$.messageId') AS message_id,
            json_extract(doc, '$.customerId') AS customer_id,
            strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(doc, '$.at')) AS at
        FROM deadletter;
        """,
        // 2: the processor's state (journey) in a column after the document, so that readers of the
        // projection read and parse half as much; predictions in a table of their own (the daily
        // job sets them without rewriting the customer's row, as Cosmos DB's Patch does); the
        // customers view reads them from there; a view of the metrics
        """
        ALTER TABLE customers ADD COLUMN journey TEXT;

        CREATE TABLE customer_predictions(
            id TEXT PRIMARY KEY,
            predictions TEXT NOT NULL);

        DROP VIEW customers_v;
        CREATE VIEW customers_v AS
        SELECT
            id,
            json_extract(doc, '$.userId') AS user_id,
            json_extract(doc, '$.stage') AS stage,
            json_extract(doc, '$.acquisition.channel') AS acquisition_channel,
            json_extract(doc, '$.acquisition.source') AS acquisition_source,
            json_extract(doc, '$.acquisition.medium') AS acquisition_medium,
            json_extract(doc, '$.acquisition.campaign') AS acquisition_campaign,
            json_extract(doc, '$.acquisition.firstDevice') AS first_device,
            strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(doc, '$.firstSeen')) AS first_seen,
            strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(doc, '$.lastSeen')) AS last_seen,
            coalesce(json_extract(doc, '$.orders.count'), 0) AS orders_count,
            coalesce(json_extract(doc, '$.orders.revenue'), 0) AS revenue,
            coalesce(json_extract(doc, '$.sessions.count'), 0) AS sessions_count,
            coalesce(json_extract(doc, '$.sessions.bounces'), 0) AS bounces,
            json_extract(doc, '$.lifecycle.status') AS lifecycle_status,
            json_extract(predictions, '$.probabilityAlive') AS probability_alive,
            json_extract(predictions, '$.expectedPurchases90') AS expected_purchases_90,
            json_extract(predictions, '$.predictedClv') AS predicted_clv,
            json_extract(predictions, '$.historicalClv') AS historical_clv,
            json_extract(predictions, '$.rfmSegment') AS rfm_segment,
            json_extract(predictions, '$.asOf') AS predictions_as_of,
            updated_at
        FROM customers LEFT JOIN customer_predictions USING (id)
        WHERE json_extract(doc, '$.mergedInto') IS NULL;

        CREATE VIEW metrics_v AS
        SELECT
            id,
            kind,
            date,
            json_extract(doc, '$.run.computedAt') AS computed_at,
            json_extract(doc, '$.run.seconds') AS seconds,
            json_extract(doc, '$.data') AS data
        FROM metrics;
        """,
        // 3: the daily job's lifecycle status (and the date since it holds) next to the predictions, as
        // Cosmos DB's Patch sets /lifecycle/status; a customer may have a status and no predictions
        """
        DROP VIEW customers_v;
        CREATE TABLE customer_predictions_3(
            id TEXT PRIMARY KEY,
            predictions TEXT,
            lifecycle TEXT);
        INSERT INTO customer_predictions_3(id, predictions) SELECT id, predictions FROM customer_predictions;
        DROP TABLE customer_predictions;
        ALTER TABLE customer_predictions_3 RENAME TO customer_predictions;

        CREATE VIEW customers_v AS
        SELECT
            id,
            json_extract(doc, '$.userId') AS user_id,
            json_extract(doc, '$.stage') AS stage,
            json_extract(doc, '$.acquisition.channel') AS acquisition_channel,
            json_extract(doc, '$.acquisition.source') AS acquisition_source,
            json_extract(doc, '$.acquisition.medium') AS acquisition_medium,
            json_extract(doc, '$.acquisition.campaign') AS acquisition_campaign,
            json_extract(doc, '$.acquisition.firstDevice') AS first_device,
            strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(doc, '$.firstSeen')) AS first_seen,
            strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(doc, '$.lastSeen')) AS last_seen,
            coalesce(json_extract(doc, '$.orders.count'), 0) AS orders_count,
            coalesce(json_extract(doc, '$.orders.revenue'), 0) AS revenue,
            coalesce(json_extract(doc, '$.sessions.count'), 0) AS sessions_count,
            coalesce(json_extract(doc, '$.sessions.bounces'), 0) AS bounces,
            coalesce(json_extract(lifecycle, '$.status'), json_extract(doc, '$.lifecycle.status')) AS lifecycle_status,
            coalesce(json_extract(lifecycle, '$.since'), json_extract(doc, '$.lifecycle.since')) AS lifecycle_since,
            json_extract(predictions, '$.probabilityAlive') AS probability_alive,
            json_extract(predictions, '$.expectedPurchases90') AS expected_purchases_90,
            json_extract(predictions, '$.predictedClv') AS predicted_clv,
            json_extract(predictions, '$.historicalClv') AS historical_clv,
            json_extract(predictions, '$.rfmSegment') AS rfm_segment,
            json_extract(predictions, '$.asOf') AS predictions_as_of,
            updated_at
        FROM customers LEFT JOIN customer_predictions USING (id)
        WHERE json_extract(doc, '$.mergedInto') IS NULL;
        """,
        // 4: the feedback container (redacted texts; the embedding apart from the document, as float32
        // little-endian bytes) and its BI view; the pain points' generation time in a column, so the
        // latest period is one indexed read; a view of the pain points
        """
        CREATE TABLE feedback(
            id TEXT PRIMARY KEY,
            period TEXT NOT NULL,
            time TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            doc TEXT NOT NULL,
            embedding_model TEXT,
            embedding BLOB);
        CREATE INDEX ix_feedback_time ON feedback(time, id);
        CREATE INDEX ix_feedback_customer_id ON feedback(customer_id);

        ALTER TABLE painpoints ADD COLUMN generated_at TEXT;
        CREATE INDEX ix_painpoints_generated_at ON painpoints(generated_at, period);

        CREATE VIEW feedback_v AS
        SELECT
            id,
            period,
            strftime('%Y-%m-%dT%H:%M:%fZ', time) AS time,
            substr(time, 1, 10) AS day,
            customer_id,
            kind,
            json_extract(doc, '$.stage') AS stage,
            json_extract(doc, '$.productId') AS product_id,
            json_extract(doc, '$.category') AS category,
            json_extract(doc, '$.channel') AS channel,
            json_extract(doc, '$.rating') AS rating,
            json_extract(doc, '$.score') AS score,
            json_extract(doc, '$.scoreScale') AS score_scale,
            json_extract(doc, '$.title') AS title,
            json_extract(doc, '$.text') AS text,
            json_extract(doc, '$.textHash') AS text_hash,
            json_extract(doc, '$.messageId') AS message_id,
            json_extract(doc, '$.field') AS field,
            embedding_model,
            length(embedding) / 4 AS embedding_dimensions
        FROM feedback;

        CREATE VIEW painpoints_v AS
        SELECT
            id,
            period,
            json_extract(doc, '$.since') AS since,
            json_extract(doc, '$.until') AS until,
            json_extract(doc, '$.rank') AS rank,
            coalesce(json_extract(doc, '$.isOther'), 0) AS is_other,
            json_extract(doc, '$.label') AS label,
            json_extract(doc, '$.summary') AS summary,
            json_extract(doc, '$.suggestedFix') AS suggested_fix,
            json_extract(doc, '$.texts') AS texts,
            json_extract(doc, '$.customers') AS customers,
            json_extract(doc, '$.share') AS share,
            json_extract(doc, '$.averageRating') AS average_rating,
            json_extract(doc, '$.revenueAtRisk') AS revenue_at_risk,
            json_extract(doc, '$.trend') AS trend,
            json_extract(doc, '$.method') AS method,
            strftime('%Y-%m-%dT%H:%M:%fZ', generated_at) AS generated_at
        FROM painpoints;
        """,
        // 5: the actions container (the outbox of follow-ups): the fields the dispatcher and the reads
        // filter on in columns (times as sortable UTC text), the document as JSON; a partial index of
        // the pending actions by due time serves the dispatcher; a view for BI (no email address)
        """
        CREATE TABLE actions(
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            action_type TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            next_attempt_at TEXT,
            etag TEXT NOT NULL,
            doc TEXT NOT NULL);
        CREATE INDEX ix_actions_pending_due ON actions(due_at, id) WHERE status = 'pending';
        CREATE INDEX ix_actions_customer_id ON actions(customer_id, created_at, id);
        CREATE INDEX ix_actions_created_at ON actions(created_at);
        CREATE INDEX ix_actions_type_created_at ON actions(action_type, created_at);

        CREATE VIEW actions_v AS
        SELECT
            id,
            customer_id,
            action_type,
            status,
            coalesce(json_extract(doc, '$.holdout'), 0) AS holdout,
            json_extract(doc, '$.attempts') AS attempts,
            strftime('%Y-%m-%dT%H:%M:%fZ', created_at) AS created_at,
            substr(created_at, 1, 10) AS day,
            strftime('%Y-%m-%dT%H:%M:%fZ', due_at) AS due_at,
            strftime('%Y-%m-%dT%H:%M:%fZ', next_attempt_at) AS next_attempt_at,
            json_extract(doc, '$.trigger.key') AS trigger_key,
            json_extract(doc, '$.trigger.orderId') AS order_id,
            json_extract(doc, '$.trigger.revenue') AS revenue,
            json_extract(doc, '$.trigger.reason') AS reason,
            json_extract(doc, '$.trigger.fromStage') AS from_stage,
            json_extract(doc, '$.trigger.toStage') AS to_stage,
            json_extract(doc, '$.customer.stage') AS stage,
            json_extract(doc, '$.customer.channel') AS channel,
            json_extract(doc, '$.customer.predictedClv') AS predicted_clv,
            json_extract(doc, '$.lastError') AS last_error,
            json_extract(doc, '$.deliveries') AS deliveries
        FROM actions;
        """,
        // 6: the suppression list (keyed hashes of erased people's ids and emails, never the values) and
        // the installation's hashing key
        """
        CREATE TABLE suppressions(
            hash TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            at TEXT NOT NULL);

        CREATE TABLE suppression_key(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            key BLOB NOT NULL);
        """,
    ];

    public static int LatestVersion => Migrations.Count;

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns the version it found.</summary>
    /// <remarks>Runs on the writer connection, in one immediate transaction, so two processes opening the same file do not both migrate.</remarks>
    public static int Migrate(SqliteConnection connection, string databasePath)
    {
        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
            int found;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
                found = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }
            if (found > LatestVersion)
                throw new InvalidOperationException(
                    $"The SQLite store '{databasePath}' has schema version {found}, newer than this build knows ({LatestVersion}); use a newer build or another data folder.");

            for (var version = found + 1; version <= LatestVersion; version++)
            {
                Execute(connection, Migrations[version - 1]);
                using var record = connection.CreateCommand();
                record.CommandText = "INSERT INTO schema_version(version, applied_at) VALUES ($version, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
                record.Parameters.AddWithValue("$version", version);
                record.ExecuteNonQuery();
            }
            Execute(connection, "COMMIT");
            return found;
        }
        catch
        {
            if (!connection.IsAutocommit()) Execute(connection, "ROLLBACK");
            throw;
        }
    }

    private static void Execute(SqliteConnection connection, string sql) => SqliteConnections.Execute(connection, sql);
}
