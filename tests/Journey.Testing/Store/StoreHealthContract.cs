using Journey.Domain.Ports;

namespace Journey.Testing.Store;

/// <summary>What every <see cref="IStoreHealth"/> adapter must do when its store is up.</summary>
public abstract class StoreHealthContract : IAsyncLifetime
{
    private IStoreHealth? _health;

    protected IStoreHealth Health => _health ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<IStoreHealth> CreateHealthAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _health = await CreateHealthAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    [Fact]
    public async Task A_running_store_is_reachable()
    {
        Assert.True(await Health.IsReachableAsync(CancellationToken.None));
    }
}
