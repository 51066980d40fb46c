using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Messaging.EventHubs;
using Journey.Adapters.Stream.EventHubs;
using Journey.Domain.Ports;
using Journey.Functions.Tests.Support;
using Journey.Testing.Stream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Journey.Functions.Tests.Collector;

/// <summary>
/// The collector over real HTTP with the Event Hubs producer as its stream, over a mocked client: an answer
/// only once the hub acknowledged the request's batch, 503 with <c>Retry-After</c> when it does not.
/// </summary>
public sealed class CollectorEventHubsHttpTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly MockEventHub _hub = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        var options = new EventHubsOptions { FullyQualifiedNamespace = MockEventHub.Namespace, RetryAfter = TimeSpan.FromSeconds(7) };
        _app = await TestApp.StartAsync(services =>
            services.Replace(ServiceDescriptor.Singleton<IEventStream>(new EventHubsProducer(_hub.Client.Object, options))));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("journey-local:"u8));
        return _app.Client.SendAsync(request);
    }

    [Fact]
    public async Task Track_IsAnsweredOnlyAfterTheHubAcknowledgedItsBatch()
    {
        var sending = new TaskCompletionSource<SentBatch>(TaskCreationOptions.RunContinuationsAsynchronously);
        var acknowledge = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hub.OnSend = async (batch, _) =>
        {
            sending.TrySetResult(batch);
            await acknowledge.Task;
        };

        var response = PostAsync("/v1/track", """{"anonymousId":"anon-7","event":"Product Viewed","messageId":"held-1"}""");
        var inFlight = await sending.Task.WaitAsync(Patience);

        Assert.Equal("anon-7", inFlight.PartitionKey);
        Assert.False(response.IsCompleted); // the hub holds the batch: no answer yet
        acknowledge.SetResult();
        using var answered = await response.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("held-1", Assert.Single(Assert.Single(_hub.Sent).Events).MessageId);
    }

    [Fact]
    public async Task Pixel_SendsOneEventWithTheProfileKeyAsPartitionKey_BeforeAnsweringTheGif()
    {
        using var response = await _app.Client.GetAsync("/i?k=journey-local&aid=anon-1&uid=user-1&e=Product%20Viewed");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/gif", response.Content.Headers.ContentType!.MediaType);
        var batch = Assert.Single(_hub.Sent);
        Assert.Equal("user-1", batch.PartitionKey);
        Assert.Equal("Product Viewed", Assert.Single(batch.Events).Event);
    }

    [Fact]
    public async Task Batch_OfTwoProfiles_IsOneHubBatchPerProfile()
    {
        using var response = await PostAsync("/v1/batch", """
            {"batch":[
              {"type":"track","anonymousId":"a","event":"Product Viewed","messageId":"a1"},
              {"type":"track","anonymousId":"b","event":"Product Viewed","messageId":"b1"},
              {"type":"track","anonymousId":"a","event":"Product Added","messageId":"a2"}
            ]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var byKey = _hub.AcceptedByPartitionKey();
        Assert.Equal(["a1", "a2"], byKey["a"].Select(e => e.MessageId));
        Assert.Equal(["b1"], byKey["b"].Select(e => e.MessageId));
        Assert.Equal(2, _hub.Sent.Count);
    }

    [Fact]
    public async Task Track_HubRefuses_Is503WithRetryAfter_AndAJsonError()
    {
        _hub.OnSend = (_, _) => throw new EventHubsException(isTransient: true, MockEventHub.Hub, "The service is busy.", EventHubsException.FailureReason.ServiceBusy);

        using var response = await PostAsync("/v1/track", """{"anonymousId":"anon-8","event":"Order Completed"}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("unavailable", body.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_hub.Sent);
    }

    [Fact]
    public async Task Health_IsUnhealthy_WhenTheHubDoesNotAnswer()
    {
        _hub.Properties = _ => throw new EventHubsException(isTransient: true, MockEventHub.Hub, "no route", EventHubsException.FailureReason.ServiceCommunicationProblem);

        using var response = await _app.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("unreachable", body.GetProperty("stream").GetString());
    }
}
