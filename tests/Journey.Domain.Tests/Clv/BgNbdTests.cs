using System.Globalization;
using Journey.Domain.Clv;
using Journey.Testing;

namespace Journey.Domain.Tests.Clv;

/// <summary>
/// BG/NBD against the published CDNOW results: Fader, Hardie &amp; Lee (2005), Marketing Science
/// 24(2), on the 2,357-customer CDNOW sample with a 39-week calibration period. Data:
/// ../shared/data/cdnow/lifetimes_cdnow_customers_summary.csv (x, t_x, T in weeks).
/// </summary>
public sealed class BgNbdTests
{
    private static readonly BgNbdParameters Published = new(0.243, 4.414, 0.793, 2.426);

    private static List<RepeatSummary> CdnowSummary()
    {
        var path = SharedData.Require("cdnow/lifetimes_cdnow_customers_summary.csv");
        return [.. File.ReadLines(path).Skip(1).Select(line => line.Split(','))
            .Select(f => new RepeatSummary(double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture)))];
    }

    [Fact]
    public void Fit_OnCdnow_MatchesFaderHardieLee2005()
    {
        var customers = CdnowSummary();
        Assert.Equal(2357, customers.Count);
        var fit = BgNbd.Fit(customers);
        var p = fit.Parameters;
        Assert.InRange(p.R, 0.243 * 0.99, 0.243 * 1.01);
        Assert.InRange(p.Alpha, 4.414 * 0.99, 4.414 * 1.01);
        Assert.InRange(p.A, 0.793 * 0.99, 0.793 * 1.01);
        Assert.InRange(p.B, 2.426 * 0.99, 2.426 * 1.01);
        Assert.InRange(fit.LogLikelihood, -9582.5, -9582.3);
    }

    [Fact]
    public void LogLikelihood_AtThePublishedParameters_IsThePublishedValue()
    {
        var grouped = CdnowSummary().Select(c => (c, 1)).ToList();
        Assert.InRange(BgNbd.LogLikelihood(Published, grouped), -9582.5, -9582.3);
    }

    [Fact]
    public void ExpectedPurchases_ForHardiesExampleCustomer_Is1226()
    {
        // x = 2, t_x = 30.43, T = 38.86 weeks: 1.226 purchases expected in the next 39 weeks.
        var expected = BgNbd.ExpectedPurchases(Published, new RepeatSummary(2, 30.43, 38.86), 39);
        Assert.Equal(1.226, Math.Round(expected, 3));
    }

    [Fact]
    public void ProbabilityAlive_IsOneWithoutRepeats_AndFallsWithTimeSinceTheLastPurchase()
    {
        Assert.Equal(1.0, BgNbd.ProbabilityAlive(Published, new RepeatSummary(0, 0, 38.86)));
        var recent = BgNbd.ProbabilityAlive(Published, new RepeatSummary(2, 38, 38.86));
        var lapsed = BgNbd.ProbabilityAlive(Published, new RepeatSummary(2, 5, 38.86));
        Assert.True(recent > lapsed, $"{recent} should exceed {lapsed}");
        Assert.InRange(lapsed, 0, 1);
    }

    [Fact]
    public void Gradient_AgreesWithFiniteDifferences_AndVanishesAtTheFittedOptimum()
    {
        var grouped = CdnowSummary().GroupBy(c => c).Select(g => (g.Key, g.Count())).ToList();
        var at = new BgNbdParameters(0.5, 3.0, 1.2, 2.0);
        var analytic = BgNbd.Gradient(at, grouped);
        double[] values = [at.R, at.Alpha, at.A, at.B];
        for (var i = 0; i < 4; i++)
        {
            var h = 1e-6 * values[i];
            double[] up = [.. values], down = [.. values];
            up[i] += h;
            down[i] -= h;
            var numeric = (BgNbd.LogLikelihood(new BgNbdParameters(up[0], up[1], up[2], up[3]), grouped)
                         - BgNbd.LogLikelihood(new BgNbdParameters(down[0], down[1], down[2], down[3]), grouped)) / (2 * h);
            Assert.True(Math.Abs(analytic[i] - numeric) <= 1e-5 * Math.Max(1, Math.Abs(numeric)), $"parameter {i}: analytic {analytic[i]}, numeric {numeric}");
        }

        var fitted = BgNbd.Fit(CdnowSummary()).Parameters;
        var atOptimum = BgNbd.Gradient(fitted, grouped);
        // the score, scaled by each parameter (the gradient in log-parameters), is ~0 at the maximum
        double[] scaled = [atOptimum[0] * fitted.R, atOptimum[1] * fitted.Alpha, atOptimum[2] * fitted.A, atOptimum[3] * fitted.B];
        Assert.All(scaled, g => Assert.InRange(g, -0.05, 0.05));
    }

    [Fact]
    public void DaysInsteadOfWeeks_ScaleAlphaBySeven()
    {
        var weeks = CdnowSummary();
        var days = weeks.Select(c => new RepeatSummary(c.Frequency, c.Recency * 7, c.Age * 7)).ToList();
        var fit = BgNbd.Fit(days).Parameters;
        Assert.InRange(fit.Alpha / 7, 4.414 * 0.99, 4.414 * 1.01);
        Assert.InRange(fit.R, 0.243 * 0.99, 0.243 * 1.01);
        Assert.InRange(fit.A, 0.793 * 0.99, 0.793 * 1.01);
        Assert.InRange(fit.B, 2.426 * 0.99, 2.426 * 1.01);
    }

    [Fact]
    public void CompressedEvaluation_EqualsTheSumOverCustomers()
    {
        var customers = CdnowSummary();
        var data = BgNbdData.Compress(customers);
        Assert.Equal(2357, data.Customers);
        Assert.True(data.Histories < customers.Count, $"{data.Histories} distinct histories");
        var gradient = new double[4];
        var ll = data.Evaluate(Published, gradient);
        var single = customers.Select(c => (c, 1)).ToList();
        Assert.Equal(BgNbd.LogLikelihood(Published, single), ll, 8);
        var expected = BgNbd.Gradient(Published, single);
        for (var i = 0; i < 4; i++) Assert.Equal(expected[i], gradient[i], 8);
    }

    [Fact]
    public void ExpectedPurchases_AtSeveralHorizons_EqualsOneHorizonAtATime()
    {
        double[] horizons = [1, 13, 39, 52, 200];
        var expected = new double[horizons.Length];
        foreach (var c in new[] { new RepeatSummary(0, 0, 10), new RepeatSummary(2, 30.43, 38.86), new RepeatSummary(15, 20, 38) })
        {
            BgNbd.ExpectedPurchases(Published, c, horizons, expected);
            for (var j = 0; j < horizons.Length; j++)
                Assert.Equal(BgNbd.ExpectedPurchases(Published, c, horizons[j]), expected[j], 12);
        }
    }

    [Fact]
    public void StandardErrors_OnCdnow_AreSmallAndPositive()
    {
        var customers = CdnowSummary();
        var fit = BgNbd.Fit(customers);
        var se = BgNbd.StandardErrors(fit.Parameters, customers);
        var p = fit.Parameters;
        Assert.InRange(se.R / p.R, 0.01, 0.2);
        Assert.InRange(se.Alpha / p.Alpha, 0.01, 0.2);
        Assert.InRange(se.A / p.A, 0.01, 0.5);
        Assert.InRange(se.B / p.B, 0.01, 0.5);
    }

    [Theory]
    [InlineData(1.5, 1, 2)]
    [InlineData(2, 3, 2)]
    [InlineData(-1, 0, 2)]
    [InlineData(1, 0, double.NaN)]
    public void Fit_RejectsASummaryThatIsNotAHistory(double x, double tx, double age)
    {
        var error = Assert.Throws<ArgumentException>(() => BgNbd.Fit([new RepeatSummary(0, 0, 5), new RepeatSummary(x, tx, age)]));
        Assert.Contains("Customer 1", error.Message);
    }
}
