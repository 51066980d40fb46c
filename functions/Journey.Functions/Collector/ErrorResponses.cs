using Journey.Domain.Telemetry;

namespace Journey.Functions.Collector;

/// <summary>The JSON body of every error answer: what is wrong, and which field.</summary>
public sealed record ErrorBody(string Error, string? Field = null);

internal static class ErrorResponses
{
    public static IResult BadRequest(string error, string field)
    {
        JourneyMetrics.Rejected("invalid");
        return Results.Json(new ErrorBody(error, field), statusCode: StatusCodes.Status400BadRequest);
    }

    public static IResult Unauthorized(string error, string field = "writeKey")
    {
        JourneyMetrics.Rejected("unauthorized");
        return Results.Json(new ErrorBody(error, field), statusCode: StatusCodes.Status401Unauthorized);
    }

    public static IResult Forbidden(string error, string field)
    {
        JourneyMetrics.Rejected("forbidden");
        return Results.Json(new ErrorBody(error, field), statusCode: StatusCodes.Status403Forbidden);
    }

    public static IResult TooLarge(string error, string field)
    {
        JourneyMetrics.Rejected("invalid");
        return Results.Json(new ErrorBody(error, field), statusCode: StatusCodes.Status413PayloadTooLarge);
    }

    public static IResult UnsupportedEncoding(string error)
    {
        JourneyMetrics.Rejected("invalid");
        return Results.Json(new ErrorBody(error, "Content-Encoding"), statusCode: StatusCodes.Status415UnsupportedMediaType);
    }

    public static IResult Unavailable(HttpContext context, string error, TimeSpan retryAfter)
    {
        JourneyMetrics.Rejected("unavailable");
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new ErrorBody(error), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
