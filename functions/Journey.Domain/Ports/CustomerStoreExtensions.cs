using Journey.Domain.Customers;

namespace Journey.Domain.Ports;

/// <summary>Reads over <see cref="ICustomerStore"/> that more than one layer needs.</summary>
public static class CustomerStoreExtensions
{
    /// <summary>The most merge redirects followed before giving up (a loop would be a bug; this bounds it).</summary>
    public const int MaxRedirectHops = 16;

    /// <summary>
    /// The profile document that holds <paramref name="id"/> (a userId, an anonymousId or a document id) now,
    /// following merge redirects; null when there is none (never seen, erased, or a redirect chain longer than
    /// <see cref="MaxRedirectHops"/>).
    /// </summary>
    public static async Task<Versioned<CustomerDocument>?> FindCurrentAsync(this ICustomerStore customers, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var current = id;
        for (var hop = 0; hop < MaxRedirectHops; hop++)
        {
            var stored = await customers.GetAsync(current, cancellationToken).ConfigureAwait(false);
            if (stored is null) return null;
            if (!stored.Document.IsRedirect) return stored;
            current = stored.Document.MergedInto!;
        }
        return null;
    }
}
