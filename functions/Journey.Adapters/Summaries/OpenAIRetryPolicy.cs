using System.ClientModel.Primitives;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Summaries;

/// <summary>
/// The Azure OpenAI client's retry policy (set by <see cref="OpenAIClientFactory"/>): what the SDK retries
/// (408, 429, 500, 502, 503, 504 and network failures), at most <see cref="OpenAIOptions.MaxRetries"/> times.
/// The wait honours the service: <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> or <c>Retry-After</c>
/// (seconds or an HTTP date) is waited as asked; a service asking for longer than
/// <see cref="OpenAIOptions.MaxRetryDelay"/> is not retried (the call fails at once with the SDK's
/// <see cref="System.ClientModel.ClientResultException"/>). Without a header the wait doubles from one second,
/// up to <see cref="OpenAIOptions.MaxRetryDelay"/>. Waits run on the given <see cref="TimeProvider"/>.
/// </summary>
internal sealed class OpenAIRetryPolicy : ClientRetryPolicy
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    private readonly int _maxRetries;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public OpenAIRetryPolicy(int maxRetries, TimeSpan maxDelay, TimeProvider timeProvider, ILogger logger)
        : base(maxRetries, enableLogging: false, loggerFactory: null)
    {
        _maxRetries = maxRetries;
        _maxDelay = maxDelay;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The wait the response asks for, from its headers; null when it names none.</summary>
    internal static TimeSpan? RequestedDelay(PipelineResponse? response, DateTimeOffset now)
    {
        if (response is null) return null;
        foreach (var header in (ReadOnlySpan<string>)["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (response.Headers.TryGetValue(header, out var value)
                && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds)
                && milliseconds >= 0 && milliseconds <= TimeSpan.MaxValue.TotalMilliseconds / 2)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }
        if (response.Headers.TryGetValue("Retry-After", out var retryAfter) && retryAfter is not null)
        {
            if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
                return TimeSpan.FromSeconds(seconds);
            if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                return date > now ? date - now : TimeSpan.Zero;
        }
        return null;
    }

    protected override bool ShouldRetry(PipelineMessage message, Exception? exception)
    {
        if (!base.ShouldRetry(message, exception))
        {
            // A status the SDK retries that is not retried: the retries are spent.
            if (message.Response is { Status: 408 or 429 or 500 or 502 or 503 or 504 } failed && _maxRetries > 0)
                _logger.RetriesExhausted(failed.Status, _maxRetries);
            return false;
        }
        if (RequestedDelay(message.Response, _timeProvider.GetUtcNow()) is { } requested && requested > _maxDelay)
        {
            _logger.RetryAfterTooLong(message.Response!.Status, requested, _maxDelay);
            return false;
        }
        return true;
    }

    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var requested = RequestedDelay(message.Response, _timeProvider.GetUtcNow());
        var delay = requested ?? Backoff(tryCount);
        _logger.Retrying(message.Response?.Status ?? 0, tryCount, _maxRetries, delay, requested is null ? "backoff" : "the service's retry-after");
        return delay;
    }

    protected override Task WaitAsync(TimeSpan time, CancellationToken cancellationToken) => Task.Delay(time, _timeProvider, cancellationToken);

    protected override void Wait(TimeSpan time, CancellationToken cancellationToken) => Task.Delay(time, _timeProvider, cancellationToken).GetAwaiter().GetResult();

    private TimeSpan Backoff(int tryCount)
    {
        var milliseconds = FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(tryCount - 1, 0, 20));
        return milliseconds >= _maxDelay.TotalMilliseconds ? _maxDelay : TimeSpan.FromMilliseconds(milliseconds);
    }
}
