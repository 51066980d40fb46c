using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Journey.Domain.Actions;
using Journey.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace Journey.Adapters.Actions.Webhooks;

/// <summary>
/// Delivers actions to one webhook receiver, the Standard Webhooks way: a JSON POST of
/// <see cref="ActionPayload"/> with the headers <c>webhook-id</c> (from the action id, the same on every attempt: the receiver's
/// idempotency key), <c>webhook-timestamp</c> (unix seconds of this attempt) and <c>webhook-signature</c>
/// (see <see cref="StandardWebhookSigner"/>). A 2xx answer is a delivery; 408, 429, 5xx, a timeout or a
/// connection failure is tried again later; any other answer gives the destination up for the action.
/// </summary>
public sealed class WebhookDestination : IActionDestination, IDisposable
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly WebhookEndpoint _endpoint;
    private readonly StandardWebhookSigner _signer;
    private readonly HashSet<string>? _types;
    private readonly HttpClient _http;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <param name="endpoint">A receiver from <see cref="WebhookOptions.Endpoints"/>.</param>
    /// <param name="handler">The HTTP handler (tests); by default a pooled <see cref="SocketsHttpHandler"/> of its own.</param>
    public WebhookDestination(WebhookEndpoint endpoint, TimeProvider timeProvider, ILogger<WebhookDestination> logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        _signer = new StandardWebhookSigner(endpoint.Secret);
        _types = endpoint.Types.Count == 0 ? null : new HashSet<string>(endpoint.Types, StringComparer.Ordinal);
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        // The timeout is the endpoint's, measured on the TimeProvider in DeliverAsync; the client's own stays out of the way.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        Name = "webhook:" + endpoint.Name;
    }

    public string Name { get; }

    public bool Accepts(string actionType) => _types is null || _types.Contains(actionType);

    public async Task<DeliveryOutcome> DeliverAsync(ActionDocument action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var body = ActionPayload.ToUtf8(action);
        var messageId = StandardWebhookSigner.MessageIdFor(action.Id);
        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint.Url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.Add(IdHeader, messageId);
        request.Headers.Add(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SignatureHeader, _signer.Sign(messageId, timestamp, body));

        using var timeout = new CancellationTokenSource(_endpoint.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        DeliveryOutcome outcome;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            outcome = OutcomeOf(response.StatusCode);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = DeliveryOutcome.Retry($"No answer within {_endpoint.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (HttpRequestException ex)
        {
            outcome = DeliveryOutcome.Retry(ex.HttpRequestError == HttpRequestError.Unknown ? ex.Message : $"{ex.HttpRequestError}: {ex.Message}");
        }

        if (outcome.Delivered) _logger.Delivered(Name, action.Id);
        else if (outcome.Permanent) _logger.GivenUp(Name, action.Id, outcome.Error);
        else _logger.WillRetry(Name, action.Id, outcome.Error);
        return outcome;
    }

    /// <summary>2xx: delivered; 408, 429, 5xx: try again; anything else: give up.</summary>
    public static DeliveryOutcome OutcomeOf(HttpStatusCode status)
    {
        var code = (int)status;
        if (code is >= 200 and < 300) return DeliveryOutcome.Success;
        var error = $"HTTP {code.ToString(CultureInfo.InvariantCulture)} {status}";
        return status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || code >= 500
            ? DeliveryOutcome.Retry(error)
            : DeliveryOutcome.GiveUp(error);
    }

    public void Dispose() => _http.Dispose();
}
