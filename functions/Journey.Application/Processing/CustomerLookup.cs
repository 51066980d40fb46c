using Journey.Domain.Processing;
using Journey.Domain.Customers;
using Journey.Domain.Ports;

namespace Journey.Application.Processing;

/// <summary>Finds a customer by any of its ids (userId or anonymousId), following merge redirects. Read-only.</summary>
public sealed class CustomerLookup(ICustomerStore customers)
{
    private const int MaxHops = 16;

    /// <summary>The profile document that holds this id now, or null when there is none.</summary>
    public async Task<Versioned<CustomerDocument>?> FindAsync(string id, CancellationToken ct)
    {
        var current = id;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            var stored = await customers.GetAsync(current, ct);
            if (stored is null) return null;
            if (!stored.Document.IsRedirect) return stored;
            current = stored.Document.MergedInto!;
        }
        return null;
    }
}
