using Azure.Core;
using Azure.Identity;
using Journey.Domain.Ports;
using Microsoft.Extensions.Time.Testing;
using static Journey.Adapters.Tests.Stream.EventHubs.EventHubsTestData;

namespace Journey.Adapters.Tests.Stream.EventHubs;

/// <summary>IsReachableAsync (no probe event) and how auth failures surface.</summary>
public sealed class EventHubsRestStreamHealthTests : IAsyncLifetime
{
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(10);
    private FakeEventHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeEventHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task IsReachable_WithSasAndNoSends_IsTrueAndSendsNothing()
    {
        await using var stream = Open(SasOptions(_hub));

        Assert.True(await stream.IsReachableAsync(CancellationToken.None));
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task IsReachable_AfterAFailedSend_IsFalseUntilASendSucceeds()
    {
        _hub.Script(new FakeResponse(500), new FakeResponse(500));
        await using var stream = Open(SasOptions(_hub, o => o.MaxAttempts = 2));

        await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));
        Assert.False(await stream.IsReachableAsync(CancellationToken.None));

        await stream.AppendAsync([Event("alice", "m2")], CancellationToken.None).WaitAsync(Liveness);
        Assert.True(await stream.IsReachableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task IsReachable_AfterAFailedSend_RecoversOnceTheFailureIsOld()
    {
        _hub.Respond = _ => new FakeResponse(503);
        var clock = new FakeTimeProvider(T0);
        await using var stream = Open(SasOptions(_hub, o => o.MaxAttempts = 1), time: clock);

        await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));
        Assert.False(await stream.IsReachableAsync(CancellationToken.None));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await stream.IsReachableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task IsReachable_WhenNoTokenCanBeObtained_IsFalse_AndAppendFailsWithoutSending()
    {
        var credential = new FailingCredential();
        await using var stream = Open(SasOptions(_hub, o => { o.ConnectionString = null; o.FullyQualifiedNamespace = Namespace; }), credential);

        Assert.False(await stream.IsReachableAsync(CancellationToken.None));
        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));

        Assert.Contains("no Bearer token", error.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task Append_401WithBearer_DropsTheCachedTokenForTheNextSend()
    {
        _hub.Script(new FakeResponse(401));
        var credential = new CountingCredential(T0.AddHours(1));
        await using var stream = Open(SasOptions(_hub, o => { o.ConnectionString = null; o.FullyQualifiedNamespace = Namespace; }), credential, new FakeTimeProvider(T0));

        await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));
        await stream.AppendAsync([Event("alice", "m2")], CancellationToken.None).WaitAsync(Liveness);

        Assert.Equal(["Bearer token-1", "Bearer token-2"], _hub.RequestList.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Append_WithExpiredReadyMadeSignature_FailsWithoutSending()
    {
        var expired = $"SharedAccessSignature sr=x&sig=y&se={T0.AddHours(-1).ToUnixTimeSeconds()}&skn=send";
        await using var stream = Open(SasOptions(_hub, o => o.ConnectionString = $"Endpoint=sb://{Namespace}/;SharedAccessSignature={expired}"), time: new FakeTimeProvider(T0));

        var error = await Assert.ThrowsAsync<StreamUnavailableException>(() => stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness));

        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        Assert.False(await stream.IsReachableAsync(CancellationToken.None));
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task Append_WithReadyMadeSignature_SendsItAsItIs()
    {
        var token = $"SharedAccessSignature sr=https%3A%2F%2F{Namespace}&sig=abc%3D&se={T0.AddHours(1).ToUnixTimeSeconds()}&skn=send";
        await using var stream = Open(SasOptions(_hub, o => o.ConnectionString = $"Endpoint=sb://{Namespace}/;SharedAccessSignature={token}"), time: new FakeTimeProvider(T0));

        await stream.AppendAsync([Event("alice", "m1")], CancellationToken.None).WaitAsync(Liveness);

        Assert.Equal(token, Assert.Single(_hub.RequestList).Header("Authorization"));
    }

    private sealed class FailingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new CredentialUnavailableException("No managed identity endpoint found.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new CredentialUnavailableException("No managed identity endpoint found.");
    }

    private sealed class CountingCredential(DateTimeOffset expiresOn) : TokenCredential
    {
        private int _calls;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new AccessToken($"token-{Interlocked.Increment(ref _calls)}", expiresOn));
    }
}
