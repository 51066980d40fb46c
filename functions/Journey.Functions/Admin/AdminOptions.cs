namespace Journey.Functions.Admin;

/// <summary>Admin API settings (section <c>Admin</c>). Without a key the admin API answers on loopback only.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public string? ApiKey { get; set; }
}
