using Journey.Adapters.Tests.Store.Contract;
using Journey.Domain.Ports;

namespace Journey.Adapters.Tests.Store.Sqlite;

// The store contracts, run against the SQLite store (a fresh database file per test).

public sealed class SqliteCustomerStoreTests : CustomerStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<ICustomerStore> CreateStoreAsync() => Task.FromResult<ICustomerStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteTransitionStoreTests : TransitionStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<ITransitionStore> CreateStoreAsync() => Task.FromResult<ITransitionStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteDeadLetterStoreTests : DeadLetterStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IDeadLetterStore> CreateStoreAsync() => Task.FromResult<IDeadLetterStore>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteStoreHealthTests : StoreHealthContract
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IStoreHealth> CreateHealthAsync() => Task.FromResult<IStoreHealth>(_database.Open());

    protected override Task DisposeStoreAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}
