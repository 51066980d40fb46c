using System.Globalization;
using Journey.Domain.Clv;
using Journey.Domain.Tests.Support;

namespace Journey.Domain.Tests.Clv;

/// <summary>
/// Gamma-Gamma against the published CDNOW result: Fader &amp; Hardie (2013), "The Gamma-Gamma
/// Model of Monetary Value": p = 6.25, q = 3.74, γ = 15.44 on the 946 repeat customers of the
/// CDNOW sample. Data: ../shared/data/cdnow/lifetimes_cdnow_customers_summary_with_transactions.csv
/// (x, average repeat-transaction value zbar).
/// </summary>
public sealed class GammaGammaTests
{
    private static List<SpendSummary> CdnowSpend()
    {
        var path = SharedData.Require("cdnow/lifetimes_cdnow_customers_summary_with_transactions.csv");
        return [.. File.ReadLines(path).Skip(1).Select(line => line.Split(','))
            .Select(f => new SpendSummary(double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[4], CultureInfo.InvariantCulture)))];
    }

    [Fact]
    public void Fit_OnCdnowRepeatCustomers_MatchesFaderHardie2013()
    {
        var fit = GammaGamma.Fit(CdnowSpend());
        Assert.Equal(946, fit.Customers);
        Assert.Equal(6.25, Math.Round(fit.Parameters.P, 2));
        Assert.Equal(3.74, Math.Round(fit.Parameters.Q, 2));
        Assert.InRange(fit.Parameters.Gamma, 15.43, 15.46);
    }

    [Fact]
    public void ExpectedAverageValue_ShrinksTowardThePopulationMean()
    {
        var g = new GammaGammaParameters(6.25, 3.74, 15.44);
        var populationMean = 6.25 * 15.44 / (3.74 - 1);
        Assert.Equal(populationMean, GammaGamma.ExpectedAverageValue(g, new SpendSummary(0, 0)), 10);
        var bigSpender = GammaGamma.ExpectedAverageValue(g, new SpendSummary(1, 200));
        Assert.InRange(bigSpender, populationMean, 200);
        var frequentBigSpender = GammaGamma.ExpectedAverageValue(g, new SpendSummary(20, 200));
        Assert.InRange(frequentBigSpender, bigSpender, 200);
    }
}
