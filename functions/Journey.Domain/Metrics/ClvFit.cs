using System.Diagnostics;
using Journey.Domain.Clv;

namespace Journey.Domain.Metrics;

/// <summary>One customer as the CLV models read it: the repeat summary in days and the mean repeat order value.</summary>
public readonly record struct ClvInput(RepeatSummary Summary, double MonetaryValue);

/// <summary>One customer's CLV predictions.</summary>
public readonly record struct ClvPrediction(
    double ProbabilityAlive,
    double ExpectedPurchases30,
    double ExpectedPurchases90,
    double ExpectedPurchases365,
    double ExpectedOrderValue,
    double PredictedClv12Months);

/// <summary>
/// BG/NBD + Gamma-Gamma fitted with the static model functions (time unit: days). The 12-month
/// CLV sums, month by month, the expected purchases of that month times the expected order value,
/// discounted at the monthly rate.
/// </summary>
public sealed class ClvFit
{
    private const double DaysPerMonth = 365.25 / 12;

    private readonly double _monthlyDiscountRate;
    private readonly double _populationOrderValue;

    private ClvFit(BgNbdFit bgNbd, GammaGammaFit? gammaGamma, double monthlyDiscountRate, double populationOrderValue, TimeSpan fitTime)
    {
        BgNbd = bgNbd;
        GammaGamma = gammaGamma;
        _monthlyDiscountRate = monthlyDiscountRate;
        _populationOrderValue = populationOrderValue;
        FitTime = fitTime;
    }

    public BgNbdFit BgNbd { get; }
    public BgNbdErrors? BgNbdStandardErrors => null;
    public GammaGammaFit? GammaGamma { get; }
    public GammaGammaErrors? GammaGammaStandardErrors => null;
    public string TimeUnit => "days";
    public TimeSpan FitTime { get; }

    /// <summary>Fits BG/NBD on every customer, and Gamma-Gamma on the repeat customers with a positive spend when there are at least <paramref name="minimumRepeatCustomers"/>.</summary>
    public static ClvFit Fit(IReadOnlyList<ClvInput> customers, double monthlyDiscountRate, int minimumRepeatCustomers)
    {
        var clock = Stopwatch.StartNew();
        var bg = Clv.BgNbd.Fit(customers.Select(c => c.Summary));
        var spend = customers.Where(c => c.Summary.Frequency >= 1 && c.MonetaryValue > 0).Select(c => new SpendSummary(c.Summary.Frequency, c.MonetaryValue)).ToList();
        GammaGammaFit? gg = null;
        if (spend.Count >= Math.Max(1, minimumRepeatCustomers))
        {
            gg = Clv.GammaGamma.Fit(spend);
            if (!(gg.Parameters.Q > 1)) gg = null; // no finite population mean: fall back to the customers' own averages
        }
        var population = spend.Count == 0 ? 0 : spend.Sum(s => s.AverageValue) / spend.Count;
        return new ClvFit(bg, gg, monthlyDiscountRate, population, clock.Elapsed);
    }

    public ClvPrediction Score(ClvInput c)
    {
        var p = BgNbd.Parameters;
        var orderValue = GammaGamma is { } gg
            ? Clv.GammaGamma.ExpectedAverageValue(gg.Parameters, new SpendSummary(c.Summary.Frequency, c.MonetaryValue))
            : c.Summary.Frequency >= 1 && c.MonetaryValue > 0 ? c.MonetaryValue : _populationOrderValue;
        double clv = 0, previous = 0;
        for (var month = 1; month <= 12; month++)
        {
            var expected = Clv.BgNbd.ExpectedPurchases(p, c.Summary, month * DaysPerMonth);
            clv += (expected - previous) * orderValue / Math.Pow(1 + _monthlyDiscountRate, month);
            previous = expected;
        }
        return new ClvPrediction(
            Clv.BgNbd.ProbabilityAlive(p, c.Summary),
            Clv.BgNbd.ExpectedPurchases(p, c.Summary, 30),
            Clv.BgNbd.ExpectedPurchases(p, c.Summary, 90),
            Clv.BgNbd.ExpectedPurchases(p, c.Summary, 365),
            orderValue,
            clv);
    }
}
