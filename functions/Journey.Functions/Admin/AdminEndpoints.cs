using System.Net;
using System.Security.Cryptography;
using System.Text;
using Journey.Application.Metrics;
using Journey.Application.Processing;
using Journey.Domain.Actions;
using Journey.Domain.Customers;
using Journey.Domain.Metrics;
using Journey.Domain.PainPoints;
using Journey.Domain.Ports;
using Journey.Domain.Processing;
using Journey.Domain.Serialization;
using Journey.Functions.Collector;
using Journey.Functions.Jobs;
using Microsoft.Extensions.Options;

namespace Journey.Functions.Admin;

/// <summary>
/// The admin API. In Azure the Functions host checks the function key before proxying the
/// request (auth level <c>function</c>); locally a configured <c>Admin:ApiKey</c> is required
/// (header <c>x-functions-key</c>, <c>?code=</c> or a bearer token), or, with none configured,
/// the request must come from loopback.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api").AddEndpointFilter(RequireAdmin);
        admin.MapGet("/customers/{id}", GetCustomerAsync);
        admin.MapGet("/customers/{id}/transitions", GetTransitionsAsync);
        admin.MapGet("/customers/{id}/actions", GetCustomerActionsAsync);
        admin.MapGet("/actions", ListActionsAsync);
        admin.MapGet("/metrics/latest", GetLatestMetricsAsync);
        admin.MapGet("/metrics/series", GetMetricsSeriesAsync);
        admin.MapGet("/rates/periods", GetRatesPeriodsAsync);
        admin.MapGet("/metrics/{date}", GetMetricsAsync);
        admin.MapPost("/jobs/daily", RunDailyJobAsync);
        admin.MapPost("/jobs/painpoints", RunPainPointsAsync);
        admin.MapGet("/painpoints/latest", GetLatestPainPointsAsync);
    }

    /// <summary>Runs the daily job as of <c>?date=</c> (default yesterday, UTC) and answers its summary; 409 while another run is going.</summary>
    private static async Task<IResult> RunDailyJobAsync(string? date, DailyJobRunner runner, TimeProvider clock, CancellationToken ct)
    {
        var asOf = DailyJob.DefaultAsOf(clock);
        if (date is not null && !AsOf.TryParse(date, out asOf))
            return Results.Json(new ErrorBody($"'{date}' is not a date: use ?date=yyyy-MM-dd.", "date"), statusCode: StatusCodes.Status400BadRequest);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (asOf > today)
            return Results.Json(new ErrorBody($"{new AsOf(asOf).Text} is in the future: the job counts the events up to the end of a day that has begun (today is {new AsOf(today).Text}).", "date"), statusCode: StatusCodes.Status400BadRequest);
        var summary = await runner.TryRunAsync(asOf, "POST /api/jobs/daily", progress: null, ct);
        if (summary is null)
            return Results.Json(new ErrorBody("A daily job run is in progress; try again when it has finished.", "date"), statusCode: StatusCodes.Status409Conflict);
        return Results.Json(JobSummaries.ToJson(summary));
    }

    /// <summary>
    /// Runs the summarizer for <c>?since=&amp;until=</c> (default: the <c>Summarizer:PeriodDays</c> days up to
    /// yesterday, UTC) and answers its summary with the pain points; 409 while another run is going.
    /// </summary>
    private static async Task<IResult> RunPainPointsAsync(string? since, string? until, PainPointRunner runner, TimeProvider clock, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var end = today.AddDays(-1);
        if (until is not null && !AsOf.TryParse(until, out end))
            return Results.Json(new ErrorBody($"'{until}' is not a date: use ?until=yyyy-MM-dd.", "until"), statusCode: StatusCodes.Status400BadRequest);
        if (end > today)
            return Results.Json(new ErrorBody($"{new AsOf(end).Text} is in the future (today is {new AsOf(today).Text}).", "until"), statusCode: StatusCodes.Status400BadRequest);
        var window = runner.Job.DefaultWindow(end);
        if (since is not null)
        {
            if (!AsOf.TryParse(since, out var start))
                return Results.Json(new ErrorBody($"'{since}' is not a date: use ?since=yyyy-MM-dd.", "since"), statusCode: StatusCodes.Status400BadRequest);
            if (start > end)
                return Results.Json(new ErrorBody($"since {new AsOf(start).Text} is after until {new AsOf(end).Text}.", "since"), statusCode: StatusCodes.Status400BadRequest);
            if (end.DayNumber - start.DayNumber >= 366)
                return Results.Json(new ErrorBody($"the period {new AsOf(start).Text} to {new AsOf(end).Text} is longer than 366 days.", "since"), statusCode: StatusCodes.Status400BadRequest);
            window = new PeriodWindow(start, end);
        }
        var summary = await runner.TryRunAsync(window, "POST /api/jobs/painpoints", ct);
        if (summary is null)
            return Results.Json(new ErrorBody("A pain-point run is in progress; try again when it has finished.", "since"), statusCode: StatusCodes.Status409Conflict);
        var body = JobSummaries.ToJson(summary);
        body["documents"] = System.Text.Json.Nodes.JsonNode.Parse(JourneyJson.Serialize(summary.Documents.ToList()));
        return Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> GetLatestPainPointsAsync(IPainPointStore painPoints, CancellationToken ct)
    {
        var documents = await painPoints.LatestAsync(ct);
        if (documents.Count == 0)
            return Results.Json(new ErrorBody("There are no pain points yet: the summarizer has not run (POST /api/jobs/painpoints, or the painpoints command).", "period"), statusCode: StatusCodes.Status404NotFound);
        return Results.Text(JourneyJson.Serialize(documents.ToList()), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> GetLatestMetricsAsync(string? kind, IMetricsStore metrics, CancellationToken ct)
    {
        var date = await metrics.LatestDateAsync(ct);
        if (date is null)
            return Results.Json(new ErrorBody("There are no metrics yet: the daily job has not run (POST /api/jobs/daily, or the daily command).", "date"), statusCode: StatusCodes.Status404NotFound);
        return await MetricsOfAsync(date, kind, metrics, ct);
    }

    private static async Task<IResult> GetMetricsAsync(string date, string? kind, IMetricsStore metrics, CancellationToken ct)
    {
        if (!AsOf.TryParse(date, out _))
            return Results.Json(new ErrorBody($"'{date}' is not a date: use yyyy-MM-dd (or 'latest').", "date"), statusCode: StatusCodes.Status400BadRequest);
        return await MetricsOfAsync(date, kind, metrics, ct);
    }

    /// <summary>The longest range a series may span: ten years of daily documents.</summary>
    private const int MaxSeriesDays = 3660;

    /// <summary>
    /// <c>GET /api/metrics/series?kind=&amp;since=yyyy-MM-dd&amp;until=yyyy-MM-dd</c>: the documents of one kind
    /// whose date lies in the range (both included; default the 365 days up to today, UTC), oldest first, as a JSON array.
    /// </summary>
    private static async Task<IResult> GetMetricsSeriesAsync(string? kind, string? since, string? until, IMetricsStore metrics, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(kind))
            return Results.Json(new ErrorBody($"?kind= is required: one of {string.Join(", ", MetricKinds.All)}.", "kind"), statusCode: StatusCodes.Status400BadRequest);
        if (!MetricKinds.All.Contains(kind, StringComparer.Ordinal))
            return Results.Json(new ErrorBody($"'{kind}' is not a metrics kind: use one of {string.Join(", ", MetricKinds.All)}.", "kind"), statusCode: StatusCodes.Status400BadRequest);
        var range = SeriesRange(since, until, clock);
        if (range.Error is not null) return range.Error;
        var documents = await metrics.ListSeriesAsync(kind, range.Since!, range.Until!, ct);
        return Results.Text(JourneyJson.Serialize(documents.ToList()), "application/json", Encoding.UTF8);
    }

    /// <summary>
    /// <c>GET /api/rates/periods?since=&amp;until=</c>: the figures of each period between consecutive <c>rates</c>
    /// documents in the range (see <see cref="RatesPeriods"/>), as <c>{"points": [...]}</c>, oldest first.
    /// </summary>
    private static async Task<IResult> GetRatesPeriodsAsync(string? since, string? until, IMetricsStore metrics, TimeProvider clock, CancellationToken ct)
    {
        var range = SeriesRange(since, until, clock);
        if (range.Error is not null) return range.Error;
        var documents = await metrics.ListSeriesAsync(MetricKinds.Rates, range.Since!, range.Until!, ct);
        return Results.Text(JourneyJson.Serialize(new RatesPeriodSeries(RatesPeriods.Of(documents))), "application/json", Encoding.UTF8);
    }

    /// <summary>The <c>?since=&amp;until=</c> of a series as yyyy-MM-dd texts, or the 400 that names what is wrong.</summary>
    private static (string? Since, string? Until, IResult? Error) SeriesRange(string? since, string? until, TimeProvider clock)
    {
        static (string?, string?, IResult?) Bad(string message, string field) =>
            (null, null, Results.Json(new ErrorBody(message, field), statusCode: StatusCodes.Status400BadRequest));
        var end = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (until is not null && !AsOf.TryParse(until, out end))
            return Bad($"'{until}' is not a date: use ?until=yyyy-MM-dd.", "until");
        var start = end.AddDays(-364); // the 365 days up to until
        if (since is not null && !AsOf.TryParse(since, out start))
            return Bad($"'{since}' is not a date: use ?since=yyyy-MM-dd.", "since");
        if (start > end)
            return Bad($"since {new AsOf(start).Text} is after until {new AsOf(end).Text}.", "since");
        if (end.DayNumber - start.DayNumber > MaxSeriesDays)
            return Bad($"the range {new AsOf(start).Text} to {new AsOf(end).Text} is longer than {MaxSeriesDays} days.", "since");
        return (new AsOf(start).Text, new AsOf(end).Text, null);
    }

    /// <summary>The documents of one as-of date (optionally one kind), as a JSON array.</summary>
    private static async Task<IResult> MetricsOfAsync(string date, string? kind, IMetricsStore metrics, CancellationToken ct)
    {
        var documents = await metrics.ListAsync(date, ct);
        if (kind is not null) documents = [.. documents.Where(d => d.Kind == kind)];
        if (documents.Count == 0)
            return Results.Json(new ErrorBody(kind is null ? $"There are no metrics as of {date}." : $"There is no '{kind}' metrics document as of {date}.", kind is null ? "date" : "kind"), statusCode: StatusCodes.Status404NotFound);
        return Results.Text(JourneyJson.Serialize(documents.ToList()), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> GetCustomerAsync(string id, bool? journey, CustomerLookup lookup, CancellationToken ct)
    {
        var stored = await lookup.FindAsync(id, ct);
        if (stored is null) return NotFound(id);
        var doc = stored.Document;
        if (journey != true) doc.Journey = new JourneyState { Transitions = doc.Journey.Transitions, Positions = doc.Journey.Positions };
        return Results.Text(JourneyJson.Serialize(doc), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> GetTransitionsAsync(string id, ITransitionStore transitions, CustomerLookup lookup, CancellationToken ct)
    {
        var stored = await lookup.FindAsync(id, ct);
        if (stored is null) return NotFound(id);
        var list = await transitions.ListAsync(stored.Document.Id, ct);
        return Results.Text(JourneyJson.Serialize(list.ToList()), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> GetCustomerActionsAsync(string id, IActionStore actions, CustomerLookup lookup, CancellationToken ct)
    {
        var stored = await lookup.FindAsync(id, ct);
        if (stored is null) return NotFound(id);
        var list = await actions.ListByCustomerAsync(stored.Document.Id, ct);
        return Results.Text(JourneyJson.Serialize(list.ToList()), "application/json", Encoding.UTF8);
    }

    private const int MaxActionsListed = 1000;

    /// <summary><c>GET /api/actions?type=&amp;status=&amp;since=yyyy-MM-dd&amp;limit=</c>: the newest actions first.</summary>
    private static async Task<IResult> ListActionsAsync(string? type, string? status, string? since, int? limit, IActionStore actions, CancellationToken ct)
    {
        if (type is not null && !ActionTypes.All.Contains(type, StringComparer.Ordinal))
            return Results.Json(new ErrorBody($"'{type}' is not an action type; the types are {string.Join(", ", ActionTypes.All)}.", "type"), statusCode: StatusCodes.Status400BadRequest);
        if (status is not null && !ActionStatuses.All.Contains(status, StringComparer.Ordinal))
            return Results.Json(new ErrorBody($"'{status}' is not an action status; the statuses are {string.Join(", ", ActionStatuses.All)}.", "status"), statusCode: StatusCodes.Status400BadRequest);
        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!AsOf.TryParse(since, out var day))
                return Results.Json(new ErrorBody($"'{since}' is not a date: use ?since=yyyy-MM-dd.", "since"), statusCode: StatusCodes.Status400BadRequest);
            from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        if (limit is < 1 or > MaxActionsListed)
            return Results.Json(new ErrorBody($"limit must be between 1 and {MaxActionsListed} (was {limit}).", "limit"), statusCode: StatusCodes.Status400BadRequest);
        var list = await actions.ListAsync(type, status, from, limit ?? 100, ct);
        return Results.Text(JourneyJson.Serialize(list.ToList()), "application/json", Encoding.UTF8);
    }

    private static IResult NotFound(string id) =>
        Results.Json(new ErrorBody($"No customer has the id '{id}' (neither as userId nor as anonymousId).", "id"), statusCode: StatusCodes.Status404NotFound);

    internal static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value;
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            var remote = http.Connection.RemoteIpAddress;
            if (remote is null || IPAddress.IsLoopback(remote)) return await next(context);
            return Results.Json(new ErrorBody("The admin API answers on loopback only until Admin:ApiKey is configured.", "Admin:ApiKey"), statusCode: StatusCodes.Status401Unauthorized);
        }

        var presented = http.Request.Headers["x-functions-key"].FirstOrDefault()
            ?? http.Request.Query["code"].FirstOrDefault()
            ?? BearerToken(http.Request.Headers.Authorization.FirstOrDefault());
        if (presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(options.ApiKey)))
            return await next(context);
        return Results.Json(new ErrorBody("A valid admin key is required (x-functions-key header, ?code= or Authorization: Bearer).", "x-functions-key"), statusCode: StatusCodes.Status401Unauthorized);
    }

    private static string? BearerToken(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
}
