namespace Journey.Domain.Enrichment;

/// <summary>How the collector enriches events (bound from the "Enrichment" configuration section).</summary>
public sealed class EnrichmentOptions
{
    /// <summary>Truncate client IPs (IPv4 to /24, IPv6 to /48) before the event is stored. On by default.</summary>
    public bool AnonymizeIp { get; set; } = true;
}
