using System.Globalization;
using Journey.Domain.Clv;
using Journey.Testing;
using Xunit.Abstractions;

namespace Journey.Domain.Tests.Clv;

public sealed class ClvModelTests(ITestOutputHelper output)
{
    // BG/NBD per day: the weekly r = 0.25, α = 4 is α = 28 in days
    private static readonly BgNbdParameters TruePurchases = new(0.25, 28, 0.8, 2.5);
    private static readonly GammaGammaParameters TrueSpend = new(6, 4, 15);

    private static readonly Lazy<List<ClvCustomer>> Simulated = new(() => ClvSimulator.Simulate(20_000, TruePurchases, TrueSpend, 365, seed: 20_240_601));

    [Fact]
    public void Fit_OnSimulatedCustomers_RecoversEveryParameterWithinTwoStandardErrors()
    {
        var model = ClvModel.Fit(Simulated.Value, new ClvOptions());
        Assert.NotNull(model.GammaGamma);
        Assert.NotNull(model.GammaGammaStandardErrors);
        var bg = model.BgNbd.Parameters;
        var bgSe = model.BgNbdStandardErrors;
        var gg = model.GammaGamma.Parameters;
        var ggSe = model.GammaGammaStandardErrors;
        var rows = new (string Name, double Truth, double Estimate, double Se)[]
        {
            ("r", TruePurchases.R, bg.R, bgSe.R), ("alpha", TruePurchases.Alpha, bg.Alpha, bgSe.Alpha),
            ("a", TruePurchases.A, bg.A, bgSe.A), ("b", TruePurchases.B, bg.B, bgSe.B),
            ("p", TrueSpend.P, gg.P, ggSe.P), ("q", TrueSpend.Q, gg.Q, ggSe.Q), ("gamma", TrueSpend.Gamma, gg.Gamma, ggSe.Gamma),
        };
        output.WriteLine($"{model.BgNbd.Customers} customers, {model.RepeatCustomers} repeat customers, fit {model.FitTime.TotalMilliseconds:N0} ms");
        foreach (var (name, truth, estimate, se) in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-6} truth {truth,7:G4} estimate {estimate,9:G5} se {se,9:G3} z {(estimate - truth) / se,6:F2}"));
        foreach (var (name, truth, estimate, se) in rows)
        {
            Assert.True(se > 0 && se < 0.25 * truth, $"{name}: standard error {se} should be small relative to {truth}");
            Assert.True(Math.Abs(estimate - truth) <= 2 * se, $"{name}: estimate {estimate} is {(estimate - truth) / se:F2} standard errors from {truth}");
        }
    }

    [Fact]
    public void Fit_WithNoCustomers_ThrowsWithAClearMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => ClvModel.Fit([], new ClvOptions()));
        Assert.Contains("no customers to fit", error.Message);
    }

    [Fact]
    public void Fit_WithAnInvalidMonetaryValue_NamesTheCustomer()
    {
        ClvCustomer[] customers = [new(new RepeatSummary(1, 3, 10), 5), new(new RepeatSummary(1, 3, 10), double.NaN)];
        var error = Assert.Throws<ArgumentException>(() => ClvModel.Fit(customers, new ClvOptions()));
        Assert.Contains("Customer 1", error.Message);
    }

    [Fact]
    public void Fit_WithTooFewRepeatCustomers_FallsBackToTheirMeanOrderValue()
    {
        var customers = Simulated.Value.Take(3_000).ToList();
        var repeat = customers.Where(c => c.Summary.Frequency >= 1 && c.MonetaryValue > 0).ToList();
        var model = ClvModel.Fit(customers, new ClvOptions { MinimumRepeatCustomers = repeat.Count + 1 });
        Assert.Null(model.GammaGamma);
        Assert.Null(model.GammaGammaStandardErrors);
        Assert.Equal(repeat.Count, model.RepeatCustomers);
        var mean = repeat.Average(c => c.MonetaryValue);
        Assert.Equal(mean, model.MeanRepeatValue, 9);
        Assert.Equal(mean, model.Score(customers[0]).ExpectedOrderValue, 9);
        Assert.Equal(mean, model.Score(repeat[0]).ExpectedOrderValue, 9);
    }

    [Fact]
    public void PredictedClv12Months_IsTheDiscountedSumOfMonthlyPurchasesTimesTheOrderValue()
    {
        var model = ClvModel.Fit(Simulated.Value, new ClvOptions { MonthlyDiscountRate = 0.02 });
        var p = model.BgNbd.Parameters;
        foreach (var customer in new ClvCustomer[] { new(new RepeatSummary(0, 0, 0), 0), new(new RepeatSummary(3, 100, 200), 42.5) })
        {
            var orderValue = model.ExpectedOrderValue(customer);
            var direct = 0.0;
            for (var m = 1; m <= 12; m++)
            {
                var increment = BgNbd.ExpectedPurchases(p, customer.Summary, 30.4375 * m) - BgNbd.ExpectedPurchases(p, customer.Summary, 30.4375 * (m - 1));
                direct += increment * orderValue / Math.Pow(1.02, m);
            }
            var score = model.Score(customer);
            Assert.Equal(direct, score.PredictedClv12Months, 10);
            Assert.Equal(orderValue, score.ExpectedOrderValue);
            Assert.Equal(BgNbd.ExpectedPurchases(p, customer.Summary, 30), score.ExpectedPurchases30, 12);
            Assert.Equal(BgNbd.ExpectedPurchases(p, customer.Summary, 90), score.ExpectedPurchases90, 12);
            Assert.Equal(BgNbd.ExpectedPurchases(p, customer.Summary, 365), score.ExpectedPurchases365, 12);
            Assert.Equal(BgNbd.ProbabilityAlive(p, customer.Summary), score.ProbabilityAlive);
        }
    }

    [Fact]
    public void PredictedClv12Months_FallsAsTheDiscountRateRises()
    {
        var customers = Simulated.Value.Take(5_000).ToList();
        var customer = new ClvCustomer(new RepeatSummary(4, 150, 180), 30);
        var undiscounted = ClvModel.Fit(customers, new ClvOptions { MonthlyDiscountRate = 0 });
        var discounted = ClvModel.Fit(customers, new ClvOptions { MonthlyDiscountRate = 0.01 });
        var steep = ClvModel.Fit(customers, new ClvOptions { MonthlyDiscountRate = 0.05 });
        var zero = undiscounted.Score(customer);
        // without discounting the 12 monthly increments add up to the purchases expected in a year
        Assert.Equal(undiscounted.ExpectedPurchases(customer.Summary, 365.25) * zero.ExpectedOrderValue, zero.PredictedClv12Months, 9);
        Assert.True(zero.PredictedClv12Months > discounted.Score(customer).PredictedClv12Months);
        Assert.True(discounted.Score(customer).PredictedClv12Months > steep.Score(customer).PredictedClv12Months);
        Assert.True(steep.Score(customer).PredictedClv12Months > 0);
    }

    [Fact]
    public void ScoreAll_EqualsScoringOneByOne()
    {
        var customers = Simulated.Value.Take(10_000).ToList();
        var model = ClvModel.Fit(customers, new ClvOptions());
        var all = model.ScoreAll(customers);
        Assert.Equal(customers.Count, all.Length);
        for (var i = 0; i < customers.Count; i += 997) Assert.Equal(model.Score(customers[i]), all[i]);
    }

    /// <summary>
    /// The facade on CDNOW in days (Fader, Hardie &amp; Lee 2005; Fader &amp; Hardie 2013): α is the
    /// weekly 4.414 × 7, and the example customer (x = 2, t_x = 30.43, T = 38.86 weeks) expects 1.226
    /// purchases in the next 39 weeks. Data: ../shared/data/cdnow/lifetimes_cdnow_customers_summary_with_transactions.csv.
    /// </summary>
    [Fact]
    public void Fit_OnCdnowInDays_MatchesThePublishedModels()
    {
        var path = SharedData.Require("cdnow/lifetimes_cdnow_customers_summary_with_transactions.csv");
        var customers = File.ReadLines(path).Skip(1).Select(line => line.Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray())
            .Select(f => new ClvCustomer(new RepeatSummary(f[1], f[2] * 7, f[3] * 7), f[4])).ToList();
        var model = ClvModel.Fit(customers, new ClvOptions());
        Assert.Equal("days", model.TimeUnit);
        var p = model.BgNbd.Parameters;
        Assert.InRange(p.R, 0.243 * 0.99, 0.243 * 1.01);
        Assert.InRange(p.Alpha, 4.414 * 7 * 0.99, 4.414 * 7 * 1.01);
        Assert.InRange(p.A, 0.793 * 0.99, 0.793 * 1.01);
        Assert.InRange(p.B, 2.426 * 0.99, 2.426 * 1.01);
        Assert.NotNull(model.GammaGamma);
        Assert.Equal(946, model.GammaGamma.Customers);
        Assert.Equal(6.25, Math.Round(model.GammaGamma.Parameters.P, 2));
        Assert.Equal(3.74, Math.Round(model.GammaGamma.Parameters.Q, 2));

        var example = customers[0];
        Assert.Equal(new RepeatSummary(2, 30.43 * 7, 38.86 * 7), example.Summary);
        Assert.Equal(1.226, Math.Round(model.ExpectedPurchases(example.Summary, 39 * 7), 3));
        var score = model.Score(example);
        Assert.Equal(model.ExpectedPurchases(example.Summary, 365), score.ExpectedPurchases365, 12);
        Assert.InRange(score.ProbabilityAlive, 0, 1);
        Assert.InRange(score.ExpectedOrderValue, 22.35, 6.25 * 15.44 / 2.74); // shrunk from z̄ = 22.35 toward the population mean
    }
}
