using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Journey.Adapters.Actions.Webhooks;
using Journey.Domain.Actions;
using Journey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Journey.Adapters.Tests.Actions;

public sealed class WebhookDestinationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(T0);
    private readonly string _secret = StandardWebhookSignerTests.NewSecret(32);
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_delivery_is_a_signed_json_post_the_independent_verifier_accepts()
    {
        using var destination = Destination();
        var action = Action();

        var outcome = await destination.DeliverAsync(action, CancellationToken.None);

        Assert.True(outcome.Delivered, outcome.Error);
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Header("content-type"), StringComparison.Ordinal);
        Assert.Equal("order%2Ecancelled:c-42:o-7", request.Header("webhook-id"));
        Assert.Equal(T0.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("webhook-timestamp"));
        Assert.Null(IndependentWebhookVerifier.Problem(_secret, request.Headers, request.Body, T0));
        Assert.NotNull(IndependentWebhookVerifier.Problem(StandardWebhookSignerTests.NewSecret(32), request.Headers, request.Body, T0));
    }

    [Fact]
    public async Task The_body_carries_type_id_timestamp_and_the_customer_and_trigger_in_camel_case()
    {
        using var destination = Destination();

        await destination.DeliverAsync(Action(), CancellationToken.None);

        var json = JsonNode.Parse(Assert.Single(_receiver.Requests).Body)!.AsObject();
        Assert.Equal("order.cancelled", (string?)json["type"]);
        Assert.Equal("order.cancelled:c-42:o-7", (string?)json["id"]);
        Assert.Equal(T0.AddMinutes(-5), DateTimeOffset.Parse((string)json["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture));
        var data = json["data"]!.AsObject();
        Assert.Equal(T0.AddMinutes(-5), (DateTimeOffset)data["createdAt"]!);
        Assert.Equal(T0.AddMinutes(-1), (DateTimeOffset)data["dueAt"]!);
        var customer = data["customer"]!.AsObject();
        Assert.Equal("c-42", (string?)customer["id"]);
        Assert.Equal("u-42", (string?)customer["userId"]);
        Assert.Equal("ada@example.com", (string?)customer["email"]);
        Assert.Equal("Conversion", (string?)customer["stage"]);
        Assert.Equal("email", (string?)customer["channel"]);
        Assert.Equal(310.5, (double)customer["predictedClv"]!);
        Assert.Equal(0.8, (double)customer["probabilityAlive"]!);
        Assert.Equal(3, (long)customer["emailOpens"]!);
        Assert.Equal(["email", "organic"], customer["respondsTo"]!.AsArray().Select(n => (string)n!));
        var trigger = data["trigger"]!.AsObject();
        Assert.Equal("o-7", (string?)trigger["orderId"]);
        Assert.Equal("arrived too late", (string?)trigger["reason"]);
        Assert.Equal(59.9m, (decimal)trigger["revenue"]!);
        var item = Assert.Single(trigger["items"]!.AsArray())!;
        Assert.Equal("p-1", (string?)item["productId"]);
        Assert.Equal(2, (long)item["quantity"]!);
        Assert.False(trigger.ContainsKey("fromStage"));
    }

    [Fact]
    public async Task A_receiver_that_fails_the_first_attempts_gets_retries_with_the_same_id_and_a_fresh_signed_timestamp()
    {
        _receiver.FailFirst(2);
        using var destination = Destination();
        var action = Action();
        var outcomes = new List<Journey.Domain.Ports.DeliveryOutcome>();

        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await destination.DeliverAsync(action, CancellationToken.None));
            _clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.False(outcomes[0].Delivered);
        Assert.False(outcomes[0].Permanent);
        Assert.Contains("500", outcomes[0].Error, StringComparison.Ordinal);
        Assert.False(outcomes[1].Delivered);
        Assert.False(outcomes[1].Permanent);
        Assert.True(outcomes[2].Delivered);
        var requests = _receiver.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Single(requests.Select(r => r.Header("webhook-id")).Distinct());
        Assert.Equal([T0, T0.AddSeconds(30), T0.AddSeconds(60)], requests.Select(r => DateTimeOffset.FromUnixTimeSeconds(long.Parse(r.Header("webhook-timestamp")!, System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Single(requests.Select(r => Convert.ToBase64String(r.Body)).Distinct());
        for (var i = 0; i < requests.Count; i++)
            Assert.Null(IndependentWebhookVerifier.Problem(_secret, requests[i].Headers, requests[i].Body, T0.AddSeconds(30 * i)));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Throttling_timeouts_and_server_errors_are_retried(int status)
    {
        _receiver.Status = _ => status;
        using var destination = Destination();

        var outcome = await destination.DeliverAsync(Action(), CancellationToken.None);

        Assert.False(outcome.Delivered);
        Assert.False(outcome.Permanent);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task Other_client_errors_give_the_destination_up(int status)
    {
        _receiver.Status = _ => status;
        using var destination = Destination();

        var outcome = await destination.DeliverAsync(Action(), CancellationToken.None);

        Assert.False(outcome.Delivered);
        Assert.True(outcome.Permanent);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    [InlineData(204)]
    public async Task Any_2xx_is_a_delivery(int status)
    {
        _receiver.Status = _ => status;
        using var destination = Destination();

        Assert.True((await destination.DeliverAsync(Action(), CancellationToken.None)).Delivered);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_within_the_timeout_is_retried_later()
    {
        _receiver.Hang = true;
        using var destination = Destination(timeout: TimeSpan.FromSeconds(10));

        var delivery = destination.DeliverAsync(Action(), CancellationToken.None);
        await _receiver.Arrived;
        Assert.False(delivery.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(delivery.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await delivery;

        Assert.False(outcome.Delivered);
        Assert.False(outcome.Permanent);
        Assert.Contains("No answer within 10 s", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_and_does_not_throw()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var destination = Destination(url: new Uri($"http://127.0.0.1:{port}/hooks/journey"));

        var outcome = await destination.DeliverAsync(Action(), CancellationToken.None);

        Assert.False(outcome.Delivered);
        Assert.False(outcome.Permanent);
        Assert.Contains("ConnectionError", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_an_outcome()
    {
        _receiver.Hang = true;
        using var destination = Destination();
        using var cts = new CancellationTokenSource();

        var delivery = destination.DeliverAsync(Action(), cts.Token);
        await _receiver.Arrived;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivery);
    }

    [Fact]
    public void The_type_filter_decides_what_the_destination_accepts_and_empty_means_all()
    {
        using var filtered = Destination(types: [ActionTypes.CartAbandoned, ActionTypes.OrderCancelled], name: "crm");
        using var all = Destination();

        Assert.Equal("webhook:crm", filtered.Name);
        Assert.Equal("webhook:default", all.Name);
        Assert.True(filtered.Accepts(ActionTypes.CartAbandoned));
        Assert.True(filtered.Accepts(ActionTypes.OrderCancelled));
        Assert.False(filtered.Accepts(ActionTypes.WinBack));
        Assert.All(ActionTypes.All, t => Assert.True(all.Accepts(t)));
    }

    private WebhookDestination Destination(Uri? url = null, TimeSpan? timeout = null, IReadOnlyList<string>? types = null, string name = "default") =>
        new(new WebhookEndpoint(name, url ?? _receiver.Url, _secret, types ?? [], timeout ?? TimeSpan.FromSeconds(10)), _clock, NullLogger<WebhookDestination>.Instance);

    internal static ActionDocument Action() => new()
    {
        Id = ActionDocument.IdFor(ActionTypes.OrderCancelled, "c-42", "o-7"),
        ActionType = ActionTypes.OrderCancelled,
        CustomerId = "c-42",
        CreatedAt = T0.AddMinutes(-5),
        DueAt = T0.AddMinutes(-1),
        Trigger = new ActionTrigger
        {
            Key = "o-7",
            At = T0.AddMinutes(-6),
            OrderId = "o-7",
            Revenue = 59.9m,
            Reason = "arrived too late",
            Items = [new ActionItem("p-1", "Rain jacket", 29.95m, 2)],
        },
        Customer = new ActionCustomer
        {
            Id = "c-42",
            UserId = "u-42",
            AnonymousIds = ["a-1"],
            Email = "ada@example.com",
            FirstName = "Ada",
            Stage = "Conversion",
            Channel = "email",
            PredictedClv = 310.5,
            ProbabilityAlive = 0.8,
            EmailOpens = 3,
            EmailClicks = 1,
            RespondsTo = ["email", "organic"],
        },
    };
}
