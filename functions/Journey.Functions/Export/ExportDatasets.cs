using System.Globalization;
using System.Text.Json;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Feedback;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Serialization;

namespace Journey.Functions.Export;

/// <summary>Where the datasets are read from: the store's ports, whichever store is configured.</summary>
public sealed record ExportSources(ICustomerStore Customers, IDocumentScans Scans);

/// <summary>One table of the export: its name (the file's), its columns, and its rows read from the store.</summary>
public interface IExportDataset
{
    string Name { get; }

    IReadOnlyList<ExportColumn> Columns { get; }

    /// <summary>The rows, streamed; with <paramref name="since"/>, those of that UTC day or later (each dataset says by which time).</summary>
    IAsyncEnumerable<object?[]> RowsAsync(ExportSources sources, DateOnly? since, CancellationToken cancellationToken);
}

/// <summary>
/// The datasets of the <c>export</c> command: flat, typed columns a BI tool loads as they are; nested
/// values (micro-conversions, per-destination deliveries, a metrics document's figures) as JSON text.
/// No email address, name or other trait is exported; feedback texts are the redacted ones.
/// </summary>
public static class ExportDatasets
{
    public const string Customers = "customers";
    public const string Transitions = "transitions";
    public const string Metrics = "metrics";
    public const string Rates = "rates";
    public const string Feedback = "feedback";
    public const string PainPoints = "painpoints";
    public const string Actions = "actions";

    /// <summary>Customers (redirects of merged profiles left out) last seen on or after <c>--since</c>.</summary>
    public static IExportDataset CustomerTable { get; } = new Dataset<CustomerDocument>(Customers,
        (sources, since, ct) => sources.Customers.ScanProjectionsAsync(ct)
            .Where(c => !c.IsRedirect && (StartOf(since) is not { } s || (c.LastSeen ?? c.FirstSeen) >= s)),
        new Columns<CustomerDocument>()
            .Text("id", c => c.Id)
            .Text("user_id", c => c.UserId)
            .WholeNumber("anonymous_ids", c => c.AnonymousIds.Count)
            .WholeNumber("merged_ids", c => c.MergedIds.Count)
            .Text("stage", c => c.Stage.ToString())
            .Text("acquisition_channel", c => c.Acquisition?.Channel)
            .Text("acquisition_source", c => c.Acquisition?.Source)
            .Text("acquisition_medium", c => c.Acquisition?.Medium)
            .Text("acquisition_campaign", c => c.Acquisition?.Campaign)
            .Text("landing_page", c => c.Acquisition?.LandingPage)
            .Text("first_device", c => c.Acquisition?.FirstDevice)
            .Time("first_seen", c => c.FirstSeen)
            .Time("last_seen", c => c.LastSeen)
            .Time("awareness_at", c => ReachedAt(c, Stage.Awareness))
            .Time("consideration_at", c => ReachedAt(c, Stage.Consideration))
            .Time("conversion_at", c => ReachedAt(c, Stage.Conversion))
            .Time("retention_at", c => ReachedAt(c, Stage.Retention))
            .Time("advocacy_at", c => ReachedAt(c, Stage.Advocacy))
            .WholeNumber("sessions", c => c.Sessions.Count)
            .WholeNumber("bounces", c => c.Sessions.Bounces)
            .WholeNumber("page_views", c => c.Sessions.PageViews)
            .Real("session_seconds", c => c.Sessions.TotalSeconds)
            .Text("last_session_channel", c => c.Sessions.LastChannel)
            .WholeNumber("orders", c => c.Orders.Count)
            .Real("revenue", c => (double)c.Orders.Revenue)
            .Real("average_order_value", c => (double)c.Orders.AverageOrderValue)
            .Time("first_order_at", c => c.Orders.First)
            .Time("last_order_at", c => c.Orders.Last)
            .Text("first_order_category", c => c.Orders.FirstCategory)
            .Text("first_order_channel", c => c.Orders.FirstChannel)
            .WholeNumber("cancels", c => c.Cancels.Count)
            .Real("cancelled_value", c => (double)c.Cancels.Value)
            .WholeNumber("returns", c => c.Returns.Count)
            .Real("returned_value", c => (double)c.Returns.Value)
            .WholeNumber("carts_created", c => c.Carts.Created)
            .WholeNumber("carts_converted", c => c.Carts.Converted)
            .WholeNumber("carts_abandoned", c => c.Carts.Abandoned)
            .Real("open_cart_value", c => (double)c.Carts.OpenValue)
            .Text("last_cart_outcome", c => c.Carts.Last?.Outcome)
            .WholeNumber("reviews", c => c.Ratings.Reviews)
            .Real("average_review_rating", c => c.Ratings.AverageReviewRating)
            .WholeNumber("csat_responses", c => c.Ratings.CsatResponses)
            .Real("csat", c => c.Ratings.Csat)
            .WholeNumber("email_opened", c => c.Email.Opened)
            .WholeNumber("email_clicked", c => c.Email.Clicked)
            .WholeNumber("orders_after_email_click", c => c.Email.OrdersAfterClick)
            .WholeNumber("active_days", c => c.ActiveDays.Count)
            .Real("probability_alive", c => c.Predictions?.ProbabilityAlive)
            .Real("expected_purchases_30", c => c.Predictions?.ExpectedPurchases30)
            .Real("expected_purchases_90", c => c.Predictions?.ExpectedPurchases90)
            .Real("expected_purchases_365", c => c.Predictions?.ExpectedPurchases365)
            .Real("expected_order_value", c => c.Predictions?.ExpectedOrderValue)
            .Real("predicted_clv", c => c.Predictions?.PredictedClv)
            .Real("historical_clv", c => c.Predictions?.HistoricalClv)
            .Text("rfm_segment", c => c.Predictions?.RfmSegment)
            .Text("predictions_as_of", c => c.Predictions?.AsOf)
            .Text("lifecycle_status", c => c.Lifecycle.Status)
            .Text("lifecycle_since", c => c.Lifecycle.Since)
            .Time("updated_at", c => c.UpdatedAt));

    /// <summary>One row per stage change, at or after <c>--since</c>.</summary>
    public static IExportDataset TransitionTable { get; } = new Dataset<TransitionDocument>(Transitions,
        (sources, since, ct) => sources.Scans.ScanTransitionsAsync(StartOf(since), ct),
        new Columns<TransitionDocument>()
            .Text("id", t => t.Id)
            .Text("customer_id", t => t.CustomerId)
            .Text("from_stage", t => t.From.ToString())
            .Text("to_stage", t => t.To.ToString())
            .Text("skipped", t => t.Skipped.Count == 0 ? null : string.Join(",", t.Skipped))
            .Time("at", t => t.At)
            .Text("day", t => Day(t.At))
            .Text("trigger_event", t => t.TriggerEvent)
            .Text("trigger_message_id", t => t.TriggerMessageId)
            .Text("rule", t => t.Rule)
            .Text("channel", t => t.Channel)
            .Text("acquisition_channel", t => t.AcquisitionChannel)
            .Text("first_device", t => t.FirstDevice)
            .Real("days_since_first_touch", t => t.DaysSinceFirstTouch)
            .WholeNumber("sessions_since_first_touch", t => t.SessionsSinceFirstTouch)
            .Text("micro_conversions", t => JourneyJson.Serialize(t.MicroConversions)));

    /// <summary>One row per kind and as-of date (on or after <c>--since</c>), the figures as JSON text.</summary>
    public static IExportDataset MetricsTable { get; } = new Dataset<MetricsDocument>(Metrics,
        (sources, since, ct) => sources.Scans.ScanMetricsAsync(since is { } s ? Day(s) : null, ct),
        new Columns<MetricsDocument>()
            .Text("id", m => m.Id)
            .Text("kind", m => m.Kind)
            .Text("date", m => m.Date)
            .Time("computed_at", m => m.Run?.ComputedAt)
            .Real("seconds", m => m.Run?.Seconds)
            .WholeNumber("customers", m => m.Run?.Customers)
            .Text("data", m => m.Data.GetRawText()));

    /// <summary>The <c>rates</c> documents flattened: one row per as-of date (on or after <c>--since</c>), rates in percent.</summary>
    public static IExportDataset RatesTable { get; } = new Dataset<RatesRow>(Rates,
        (sources, since, ct) => sources.Scans.ScanMetricsAsync(since is { } s ? Day(s) : null, ct)
            .Where(m => m.Kind == MetricKinds.Rates)
            .Select(m => new RatesRow(m.Date, m.Data.Deserialize<RatesMetrics>(JourneyJson.Options) ?? throw new JsonException($"The metrics document {m.Id} has no data."))),
        new Columns<RatesRow>()
            .Text("date", r => r.Date)
            .WholeNumber("customers", r => r.Rates.Customers)
            .WholeNumber("sessions", r => r.Rates.Sessions)
            .WholeNumber("bounces", r => r.Rates.Bounces)
            .Real("bounce_rate", r => r.Rates.BounceRate)
            .WholeNumber("buyers", r => r.Rates.Buyers)
            .Real("conversion_rate", r => r.Rates.ConversionRate)
            .WholeNumber("carts_created", r => r.Rates.CartsCreated)
            .WholeNumber("carts_abandoned", r => r.Rates.CartsAbandoned)
            .Real("cart_abandonment_rate", r => r.Rates.CartAbandonmentRate)
            .WholeNumber("orders", r => r.Rates.Orders)
            .Real("revenue", r => (double)r.Rates.Revenue)
            .Real("average_order_value", r => (double?)r.Rates.AverageOrderValue)
            .WholeNumber("repeat_buyers", r => r.Rates.RepeatBuyers)
            .Real("repeat_purchase_rate", r => r.Rates.RepeatPurchaseRate)
            .WholeNumber("cancels", r => r.Rates.Cancels)
            .Real("cancel_rate", r => r.Rates.CancelRate)
            .WholeNumber("returns", r => r.Rates.Returns)
            .Real("return_rate", r => r.Rates.ReturnRate)
            .WholeNumber("csat_responses", r => r.Rates.CsatResponses)
            .WholeNumber("csat_satisfied", r => r.Rates.CsatSatisfied)
            .Real("csat", r => r.Rates.Csat)
            .WholeNumber("email_opens", r => r.Rates.Email.Opens)
            .WholeNumber("email_clicks", r => r.Rates.Email.Clicks)
            .Real("email_click_to_open_rate", r => r.Rates.Email.ClickToOpenRate)
            .Real("email_engagement_rate", r => r.Rates.Email.EngagementRate)
            .WholeNumber("purchases_after_email", r => r.Rates.Email.PurchasesAfterEmail));

    /// <summary>One row per redacted customer text written on or after <c>--since</c>.</summary>
    public static IExportDataset FeedbackTable { get; } = new Dataset<FeedbackItem>(Feedback,
        (sources, since, ct) => sources.Scans.ScanFeedbackAsync(StartOf(since), ct),
        new Columns<FeedbackItem>()
            .Text("id", f => f.Id)
            .Text("period", f => f.Period)
            .Text("kind", f => f.Kind)
            .Text("customer_id", f => f.CustomerId)
            .Text("message_id", f => f.MessageId)
            .Text("field", f => f.Field)
            .Time("time", f => f.Time)
            .Text("day", f => Day(f.Time))
            .Text("stage", f => f.Stage)
            .Text("product_id", f => f.ProductId)
            .Text("category", f => f.Category)
            .Text("channel", f => f.Channel)
            .Real("rating", f => f.Rating)
            .Real("score", f => f.Score)
            .Real("score_scale", f => f.ScoreScale)
            .Text("title", f => f.Title)
            .Text("text", f => f.Text));

    /// <summary>One row per pain point of each period ending on or after <c>--since</c>.</summary>
    public static IExportDataset PainPointTable { get; } = new Dataset<PainPointDocument>(PainPoints,
        (sources, since, ct) => sources.Scans.ScanPainPointsAsync(since is { } s ? Day(s) : null, ct),
        new Columns<PainPointDocument>()
            .Text("id", p => p.Id)
            .Text("period", p => p.Period)
            .Text("since", p => p.Since)
            .Text("until", p => p.Until)
            .WholeNumber("rank", p => p.Rank)
            .Boolean("is_other", p => p.IsOther)
            .Text("label", p => p.Label)
            .Text("summary", p => p.Summary)
            .Text("suggested_fix", p => p.SuggestedFix)
            .Text("key_phrases", p => JourneyJson.Serialize(p.KeyPhrases))
            .WholeNumber("texts", p => p.Texts)
            .WholeNumber("customers", p => p.Customers)
            .Real("share", p => p.Share)
            .Real("average_rating", p => p.AverageRating)
            .Real("revenue_at_risk", p => p.RevenueAtRisk)
            .WholeNumber("customers_with_prediction", p => p.CustomersWithPrediction)
            .Text("trend", p => p.Trend)
            .WholeNumber("previous_texts", p => p.PreviousTexts)
            .Real("previous_share", p => p.PreviousShare)
            .Text("stages", p => JourneyJson.Serialize(p.Stages))
            .Text("kinds", p => JourneyJson.Serialize(p.Kinds))
            .Text("channels", p => JourneyJson.Serialize(p.Channels))
            .Text("products", p => JourneyJson.Serialize(p.Products))
            .Text("categories", p => JourneyJson.Serialize(p.Categories))
            .Text("quotes", p => JourneyJson.Serialize(p.Quotes))
            .Text("method", p => p.Method)
            .Time("generated_at", p => p.GeneratedAt));

    /// <summary>One row per action created on or after <c>--since</c> (no email address or name: only the customer's id, stage, channel and predictions).</summary>
    public static IExportDataset ActionTable { get; } = new Dataset<ActionDocument>(Actions,
        (sources, since, ct) => sources.Scans.ScanActionsAsync(StartOf(since), ct),
        new Columns<ActionDocument>()
            .Text("id", a => a.Id)
            .Text("action_type", a => a.ActionType)
            .Text("customer_id", a => a.CustomerId)
            .Text("status", a => a.Status)
            .Boolean("holdout", a => a.Holdout)
            .Time("created_at", a => a.CreatedAt)
            .Text("day", a => Day(a.CreatedAt))
            .Time("due_at", a => a.DueAt)
            .WholeNumber("attempts", a => a.Attempts)
            .Time("next_attempt_at", a => a.NextAttemptAt)
            .Text("last_error", a => a.LastError)
            .Text("trigger_key", a => a.Trigger.Key)
            .Time("trigger_at", a => a.Trigger.At)
            .Text("order_id", a => a.Trigger.OrderId)
            .Real("revenue", a => (double?)a.Trigger.Revenue)
            .Text("reason", a => a.Trigger.Reason)
            .Text("from_stage", a => a.Trigger.FromStage)
            .Text("to_stage", a => a.Trigger.ToStage)
            .WholeNumber("items", a => a.Trigger.Items?.Count)
            .Text("customer_stage", a => a.Customer.Stage)
            .Text("customer_channel", a => a.Customer.Channel)
            .Real("predicted_clv", a => a.Customer.PredictedClv)
            .Real("probability_alive", a => a.Customer.ProbabilityAlive)
            .WholeNumber("destinations_sent", a => a.Deliveries.Values.Count(d => d.Status == ActionStatuses.Sent))
            .WholeNumber("destinations_failed", a => a.Deliveries.Values.Count(d => d.Status == ActionStatuses.Failed))
            .Text("deliveries", a => a.Deliveries.Count == 0 ? null : string.Join(";", a.Deliveries.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value.Status}")))
            .Text("deliveries_json", a => JourneyJson.Serialize(a.Deliveries)));

    /// <summary>Every dataset, in the order the files are written.</summary>
    public static IReadOnlyList<IExportDataset> All { get; } = [CustomerTable, TransitionTable, MetricsTable, RatesTable, FeedbackTable, PainPointTable, ActionTable];

    /// <summary>A <c>rates</c> document's figures and its as-of date.</summary>
    private sealed record RatesRow(string Date, RatesMetrics Rates);

    private static DateTimeOffset? ReachedAt(CustomerDocument customer, Stage stage) =>
        customer.StageReachedAt.TryGetValue(stage, out var at) ? at : null;

    private static DateTimeOffset? StartOf(DateOnly? day) =>
        day is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    private static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A dataset of documents of type <typeparamref name="T"/>: each column a function of one document.</summary>
    private sealed class Dataset<T>(string name, Func<ExportSources, DateOnly?, CancellationToken, IAsyncEnumerable<T>> read, Columns<T> columns) : IExportDataset
    {
        public string Name => name;

        public IReadOnlyList<ExportColumn> Columns { get; } = [.. columns.Definitions.Select(d => d.Column)];

        public async IAsyncEnumerable<object?[]> RowsAsync(ExportSources sources, DateOnly? since, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(sources);
            var values = columns.Definitions;
            await foreach (var document in read(sources, since, cancellationToken).WithCancellation(cancellationToken))
            {
                var row = new object?[values.Count];
                for (var i = 0; i < row.Length; i++) row[i] = values[i].Value(document);
                yield return row;
            }
        }
    }

    /// <summary>Builds a dataset's columns: each method adds one of its type, so a value always matches its column.</summary>
    private sealed class Columns<T>
    {
        public List<(ExportColumn Column, Func<T, object?> Value)> Definitions { get; } = [];

        public Columns<T> Text(string name, Func<T, string?> value) => Add(name, ExportType.Text, d => value(d));

        public Columns<T> WholeNumber(string name, Func<T, long?> value) => Add(name, ExportType.WholeNumber, d => value(d));

        public Columns<T> Real(string name, Func<T, double?> value) => Add(name, ExportType.Real, d => value(d) is { } v && double.IsFinite(v) ? v : null);

        public Columns<T> Boolean(string name, Func<T, bool?> value) => Add(name, ExportType.Boolean, d => value(d));

        public Columns<T> Time(string name, Func<T, DateTimeOffset?> value) => Add(name, ExportType.Timestamp, d => value(d));

        private Columns<T> Add(string name, ExportType type, Func<T, object?> value)
        {
            Definitions.Add((new ExportColumn(name, type), value));
            return this;
        }
    }
}
