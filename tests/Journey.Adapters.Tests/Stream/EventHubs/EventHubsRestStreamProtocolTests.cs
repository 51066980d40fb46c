using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Journey.Domain.Events;
using Microsoft.Extensions.Time.Testing;
using static Journey.Adapters.Tests.Stream.EventHubs.EventHubsTestData;

namespace Journey.Adapters.Tests.Stream.EventHubs;

/// <summary>What goes over the wire: URL, method, headers, auth, partition key and body of "send batch events".</summary>
public sealed class EventHubsRestStreamProtocolTests : IAsyncLifetime
{
    private FakeEventHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeEventHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Append_PostsToHubMessagesWithApiVersionTimeoutAndBatchContentType()
    {
        await using var stream = Open(SasOptions(_hub, o => o.Timeout = TimeSpan.FromSeconds(20)));

        await stream.AppendAsync([Event("alice", "m1")], CancellationToken.None);

        var request = Assert.Single(_hub.RequestList);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/{Hub}/messages", request.Path);
        Assert.Equal("2014-01", request.Query["api-version"]);
        Assert.Equal("20", request.Query["timeout"]);
        Assert.Equal(2, request.Query.Count);
        Assert.Equal("application/vnd.microsoft.servicebus.json", request.Header("Content-Type"));
        Assert.Equal(new Uri(_hub.Endpoint, $"/{Hub}/messages?timeout=20&api-version=2014-01"), stream.MessagesUri);
    }

    [Fact]
    public async Task Append_WithSasConnectionString_SendsSignatureThatVerifiesWithTheKey()
    {
        await using var stream = Open(SasOptions(_hub), time: new FakeTimeProvider(T0));

        await stream.AppendAsync([Event("alice", "m1")], CancellationToken.None);
        await stream.AppendAsync([Event("alice", "m2")], CancellationToken.None);

        var requests = _hub.RequestList;
        Assert.Equal(2, requests.Count);
        var header = requests[0].Header("Authorization")!;
        Assert.StartsWith("SharedAccessSignature ", header, StringComparison.Ordinal);
        var fields = header["SharedAccessSignature ".Length..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["sr", "sig", "se", "skn"], fields.Keys);
        Assert.Equal($"https://{Namespace}/{Hub}", WebUtility.UrlDecode(fields["sr"]));
        Assert.Equal(KeyName, fields["skn"]);

        // Recompute: base64(HMAC-SHA256(key as UTF-8, "<sr as sent>\n<se>")).
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes($"{fields["sr"]}\n{fields["se"]}")));
        Assert.Equal(expected, WebUtility.UrlDecode(fields["sig"]));

        // Signed for the token lifetime (an hour) from the producer's clock.
        Assert.Equal(T0.AddHours(1), DateTimeOffset.FromUnixTimeSeconds(long.Parse(fields["se"], CultureInfo.InvariantCulture)));

        // The token is cached, not signed per request.
        Assert.Equal(header, requests[1].Header("Authorization"));
    }

    [Fact]
    public async Task Append_WithTokenCredential_SendsBearerTokenForTheEventHubsScope()
    {
        var credential = new FakeCredential("token-1", T0.AddHours(1));
        var clock = new FakeTimeProvider(T0);
        await using var stream = Open(SasOptions(_hub, o => { o.ConnectionString = null; o.FullyQualifiedNamespace = Namespace; }), credential, clock);

        await stream.AppendAsync([Event("alice", "m1")], CancellationToken.None);
        await stream.AppendAsync([Event("alice", "m2")], CancellationToken.None);

        Assert.All(_hub.RequestList, r => Assert.Equal("Bearer token-1", r.Header("Authorization")));
        Assert.Equal(1, credential.Calls);
        Assert.Equal(["https://eventhubs.azure.net/.default"], credential.Scopes.Single());

        // Near expiry the token is refreshed before it is used again.
        credential.NextToken = "token-2";
        clock.Advance(TimeSpan.FromMinutes(56));
        await stream.AppendAsync([Event("alice", "m3")], CancellationToken.None);
        Assert.Equal("Bearer token-2", _hub.RequestList[^1].Header("Authorization"));
        Assert.Equal(2, credential.Calls);
    }

    [Fact]
    public async Task Append_PartitionKeyHeaderIsTheProfileKey_OneRequestPerKey()
    {
        await using var stream = Open(SasOptions(_hub));
        var alice = new[] { Event("alice", "a1"), Event("alice", "a2") };
        var userEvent = Event("anon-b", "b1") with { UserId = "user-42" };

        await stream.AppendAsync([alice[0], userEvent, alice[1]], CancellationToken.None);

        var requests = _hub.RequestList;
        Assert.Equal(2, requests.Count);
        var byKey = requests.ToDictionary(r => r.PartitionKey);
        Assert.Equal(["alice", "user-42"], byKey.Keys.Order());
        AssertSameEvents(alice, byKey["alice"].Events);
        AssertSameEvents([userEvent], byKey["user-42"].Events);
        Assert.Equal("{\"PartitionKey\":\"alice\"}", byKey["alice"].Header("BrokerProperties"));
    }

    [Fact]
    public async Task Append_BodyIsJsonArrayWhoseBodyStringsAreTheEventsJson()
    {
        await using var stream = Open(SasOptions(_hub));
        using var properties = JsonDocument.Parse("""{"revenue":42.5,"note":"\"quoted\" é ü 😀 <b>&amp;</b>\n","list":[1,2]}""");
        var rich = Event("profile-é", "m-1", "Order Completed") with
        {
            Properties = properties.RootElement.Clone(),
            Page = new PageContext { Url = "https://shop.example/ä?q=1&r=2", Title = "Tab\tTitle" },
        };
        var plain = Event("profile-é", "m-2");

        await stream.AppendAsync([rich, plain], CancellationToken.None);

        var request = Assert.Single(_hub.RequestList);
        Assert.All(request.Body, b => Assert.True(b < 0x80, "the body is ASCII"));
        var items = request.Items;
        Assert.Equal(2, items.Count);
        Assert.Equal(JsonValueKind.String, items[0].GetProperty("Body").ValueKind);
        Assert.Equal(Journey.Domain.Serialization.JourneyJson.Serialize(rich), items[0].GetProperty("Body").GetString());
        AssertSameEvents([rich, plain], request.Events);
        Assert.Equal("profile-é", items[0].GetProperty("UserProperties").GetProperty("profileKey").GetString());
        Assert.Equal("m-1", items[0].GetProperty("UserProperties").GetProperty("messageId").GetString());
        Assert.Equal("m-2", items[1].GetProperty("UserProperties").GetProperty("messageId").GetString());
        Assert.Equal("profile-é", request.PartitionKey);
        Assert.All(request.Header("BrokerProperties")!, c => Assert.True(c < 0x80, "the header is ASCII"));
    }

    [Fact]
    public async Task Append_OverMaxBatchBytes_SplitsIntoRequestsInOrder()
    {
        await using var stream = Open(SasOptions(_hub, o => o.MaxBatchBytes = 4096));
        var events = Enumerable.Range(0, 30).Select(i => Event("alice", $"m{i:00}", padding: 300)).ToList();

        await stream.AppendAsync(events, CancellationToken.None);

        var requests = _hub.RequestList;
        Assert.InRange(requests.Count, 4, 30);
        Assert.All(requests, r => Assert.InRange(r.Body.Length, 1, 4096));
        Assert.All(requests, r => Assert.Equal("alice", r.PartitionKey));
        AssertSameEvents(events, requests.SelectMany(r => r.Events));
        Assert.Equal(requests.Count, stream.RequestCount);
        Assert.Equal(30, stream.EventCount);
    }

    [Fact]
    public async Task Append_EventLargerThanMaxBatchBytes_IsRejectedWithoutSending()
    {
        await using var stream = Open(SasOptions(_hub, o => o.MaxBatchBytes = 2048));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => stream.AppendAsync([Event("alice", "big", padding: 4000)], CancellationToken.None));

        Assert.Contains("MaxBatchBytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task Append_ProfileKeyOver128Characters_UsesAStableHashAsPartitionKey()
    {
        await using var stream = Open(SasOptions(_hub));
        var longKey = new string('k', 200);

        await stream.AppendAsync([Event(longKey, "m1")], CancellationToken.None);
        await stream.AppendAsync([Event(longKey, "m2")], CancellationToken.None);

        var keys = _hub.RequestList.Select(r => r.PartitionKey).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal(keys[0], keys[1]);
        Assert.StartsWith("sha256:", keys[0], StringComparison.Ordinal);
        Assert.InRange(keys[0].Length, 1, 128);
        Assert.Equal(longKey, _hub.RequestList[0].Events[0].AnonymousId);
    }

    [Fact]
    public async Task Append_EventWithoutProfileKey_IsRejected()
    {
        await using var stream = Open(SasOptions(_hub));

        await Assert.ThrowsAsync<ArgumentException>(() => stream.AppendAsync([Event("x", "m1") with { AnonymousId = null }], CancellationToken.None));

        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task Append_EmptyList_SendsNothing()
    {
        await using var stream = Open(SasOptions(_hub));

        await stream.AppendAsync([], CancellationToken.None);

        Assert.Empty(_hub.Requests);
    }

    /// <summary>A credential that hands out a known token and records what it was asked for.</summary>
    private sealed class FakeCredential(string token, DateTimeOffset expiresOn) : TokenCredential
    {
        private int _calls;

        public string NextToken { get; set; } = token;

        public int Calls => Volatile.Read(ref _calls);

        public List<string[]> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            lock (Scopes) Scopes.Add(requestContext.Scopes);
            var expiry = _calls == 1 ? expiresOn : expiresOn.AddHours(1);
            return ValueTask.FromResult(new AccessToken(NextToken, expiry));
        }
    }
}
