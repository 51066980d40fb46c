using Journey.Application.Privacy;
using Journey.Application.Processing;

namespace Journey.Functions.Privacy;

/// <summary>The erasure, export and suppression services (the store ports come with the store).</summary>
public static class PrivacyComposition
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services)
    {
        // The processor drops suppressed events; erasures update the same list at once.
        services.AddSingleton<SuppressionList>();
        // Through the processor's cache, so that an erased document is not served from it.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CustomerErasure>(sp, sp.GetRequiredService<CachedCustomerStore>()));
        return services;
    }
}
