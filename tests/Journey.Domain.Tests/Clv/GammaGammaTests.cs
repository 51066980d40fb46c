using System.Globalization;
using Journey.Domain.Clv;
using Journey.Testing;

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

    [Fact]
    public void Gradient_AgreesWithFiniteDifferences()
    {
        var at = new GammaGammaParameters(4.0, 2.5, 20.0);
        var customers = new[] { new SpendSummary(1, 11.77), new SpendSummary(2, 22.35), new SpendSummary(7, 48.2), new SpendSummary(30, 5.5) };
        foreach (var c in customers)
        {
            var (dp, dq, dgamma) = GammaGamma.Gradient(at, c);
            double[] analytic = [dp, dq, dgamma];
            double[] values = [at.P, at.Q, at.Gamma];
            for (var i = 0; i < 3; i++)
            {
                var h = 1e-6 * values[i];
                double[] up = [.. values], down = [.. values];
                up[i] += h;
                down[i] -= h;
                var numeric = (GammaGamma.LogLikelihood(new GammaGammaParameters(up[0], up[1], up[2]), c)
                             - GammaGamma.LogLikelihood(new GammaGammaParameters(down[0], down[1], down[2]), c)) / (2 * h);
                Assert.True(Math.Abs(analytic[i] - numeric) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"x = {c.Frequency}, parameter {i}: analytic {analytic[i]}, numeric {numeric}");
            }
        }
    }

    [Fact]
    public void CompressedEvaluation_EqualsTheSumOverCustomers()
    {
        var spend = CdnowSpend();
        var data = GammaGammaData.Compress(spend);
        var at = new GammaGammaParameters(5.0, 3.0, 12.0);
        var gradient = new double[3];
        var ll = data.Evaluate(at, gradient);
        var usable = spend.Where(c => c.Frequency >= 1 && c.AverageValue > 0).ToList();
        Assert.Equal(usable.Sum(c => GammaGamma.LogLikelihood(at, c)), ll, 8);
        Assert.Equal(usable.Sum(c => GammaGamma.Gradient(at, c).P), gradient[0], 8);
        Assert.Equal(usable.Sum(c => GammaGamma.Gradient(at, c).Q), gradient[1], 8);
        Assert.Equal(usable.Sum(c => GammaGamma.Gradient(at, c).Gamma), gradient[2], 8);
    }

    [Fact]
    public void Fit_WithoutUsableCustomers_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => GammaGamma.Fit([new SpendSummary(0, 0), new SpendSummary(3, 0)]));
        Assert.Contains("no repeat customers", error.Message);
    }
}
