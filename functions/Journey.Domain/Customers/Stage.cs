namespace Journey.Domain.Customers;

/// <summary>Journey stages in their only allowed order: a customer never goes back.</summary>
public enum Stage
{
    None = 0,
    Awareness = 1,
    Consideration = 2,
    Conversion = 3,
    Retention = 4,
    Advocacy = 5,
}
