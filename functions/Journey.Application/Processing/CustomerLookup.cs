using Journey.Domain.Customers;
using Journey.Domain.Ports;

namespace Journey.Application.Processing;

/// <summary>Finds a customer by any of its ids (userId or anonymousId), following merge redirects. Read-only.</summary>
public sealed class CustomerLookup(ICustomerStore customers)
{
    /// <summary>The profile document that holds this id now, or null when there is none.</summary>
    public Task<Versioned<CustomerDocument>?> FindAsync(string id, CancellationToken ct) => customers.FindCurrentAsync(id, ct);
}
