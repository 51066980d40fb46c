using Journey.Domain.Customers;
using Journey.Domain.Metrics;
using Journey.Domain.Processing;
using Journey.Domain.Stages;

namespace Journey.Domain.Tests.Metrics;

internal static class MetricsTestData
{
    public static readonly JourneyFold Fold = new(new JourneyRulesOptions());

    public static CustomerFacts Facts(CustomerDocument doc, DateOnly asOf) =>
        CustomerFacts.From(doc, asOf, Fold) ?? throw new InvalidOperationException($"{doc.Id} is not counted as of {asOf}");

    public static BuyerRow Row(CustomerDocument doc, DateOnly asOf) => BuyerRow.From(Facts(doc, asOf), asOf, new StringPool());
}
