using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Journey.Domain.Clv;

/// <summary>
/// One customer as the CLV model reads them. x, t_x, T in DAYS; <see cref="MonetaryValue"/> = mean
/// value of the repeat purchases (the Gamma-Gamma literature's z̄; 0 when x = 0).
/// </summary>
public readonly record struct ClvCustomer(RepeatSummary Summary, double MonetaryValue);

/// <summary>Settings of <see cref="ClvModel.Fit"/>.</summary>
public sealed record ClvOptions
{
    /// <summary>Discount rate per month (30.4375 days) applied to <see cref="ClvScore.PredictedClv12Months"/>.</summary>
    public double MonthlyDiscountRate { get; init; } = 0.01;

    /// <summary>Fewer repeat customers (x ≥ 1 with a positive monetary value) than this and no Gamma-Gamma model is fitted.</summary>
    public int MinimumRepeatCustomers { get; init; } = 20;
}

/// <summary>
/// A customer's predictions: P(alive), expected purchases in the next 30, 90 and 365 days, the
/// expected value of an order, and the discounted value of the purchases expected in the next 12
/// months.
/// </summary>
public readonly record struct ClvScore(double ProbabilityAlive, double ExpectedPurchases30, double ExpectedPurchases90, double ExpectedPurchases365, double ExpectedOrderValue, double PredictedClv12Months);

/// <summary>
/// The CLV model the daily job fits and scores with: BG/NBD for the number of purchases (per day)
/// and Gamma-Gamma for their value. With fewer than <see cref="ClvOptions.MinimumRepeatCustomers"/>
/// repeat customers no Gamma-Gamma model is fitted and every customer's expected order value is
/// <see cref="MeanRepeatValue"/>, the population mean of the repeat customers' mean order values.
/// </summary>
/// <remarks>
/// PredictedClv12Months = Σ over months m = 1..12 of (E[purchases by 30.4375·m days] −
/// E[purchases by 30.4375·(m − 1) days]) × expected order value / (1 + monthly discount rate)^m,
/// with the BG/NBD expectation conditional on the customer's history.
/// </remarks>
public sealed class ClvModel
{
    /// <summary>Days per month: 365.25 / 12.</summary>
    public const double DaysPerMonth = 30.4375;

    // 30, 90 and 365 days, then the ends of months 1..12; scored in one pass of the series
    private static readonly double[] Horizons = [30, 90, 365, .. Enumerable.Range(1, 12).Select(m => DaysPerMonth * m)];
    private const int FirstMonth = 3;

    // E[purchases by each horizon | alive] depends on (x, T) alone, and with ages in whole days
    // a million customers share a few thousand of them: remembered up to a bound
    private const int MaxRemembered = 200_000;
    private readonly ConcurrentDictionary<(double X, double T), double[]> ifAlive = new();
    private int remembered;

    private readonly double[] monthlyDiscount; // 1 / (1 + rate)^m, m = 1..12
    private readonly double populationOrderValue; // for customers without repeat purchases

    private ClvModel(BgNbdFit bgNbd, BgNbdParameters bgNbdErrors, GammaGammaFit? gammaGamma, GammaGammaParameters? gammaGammaErrors, double meanRepeatValue, int repeatCustomers, ClvOptions options, TimeSpan fitTime)
    {
        BgNbd = bgNbd;
        BgNbdStandardErrors = bgNbdErrors;
        GammaGamma = gammaGamma;
        GammaGammaStandardErrors = gammaGammaErrors;
        MeanRepeatValue = meanRepeatValue;
        RepeatCustomers = repeatCustomers;
        Options = options;
        FitTime = fitTime;
        monthlyDiscount = [.. Enumerable.Range(1, 12).Select(m => Math.Pow(1 + options.MonthlyDiscountRate, -m))];
        var g = gammaGamma?.Parameters;
        // the Gamma-Gamma population mean p·γ/(q − 1) exists only for q > 1
        populationOrderValue = g is not null && g.Q > 1 ? g.P * g.Gamma / (g.Q - 1) : meanRepeatValue;
    }

    /// <summary>The BG/NBD fit; parameters per DAY.</summary>
    public BgNbdFit BgNbd { get; }

    /// <summary>Standard errors of the BG/NBD parameters (observed information, natural scale; NaN when it is singular).</summary>
    public BgNbdParameters BgNbdStandardErrors { get; }

    /// <summary>The Gamma-Gamma fit; null when there were fewer than <see cref="ClvOptions.MinimumRepeatCustomers"/> repeat customers.</summary>
    public GammaGammaFit? GammaGamma { get; }

    /// <summary>Standard errors of the Gamma-Gamma parameters; null with <see cref="GammaGamma"/>.</summary>
    public GammaGammaParameters? GammaGammaStandardErrors { get; }

    /// <summary>The mean of the repeat customers' (x ≥ 1, positive value) mean order values; 0 when there are none. The expected order value of everyone when <see cref="GammaGamma"/> is null.</summary>
    public double MeanRepeatValue { get; }

    /// <summary>Customers with x ≥ 1 and a positive monetary value.</summary>
    public int RepeatCustomers { get; }

    public ClvOptions Options { get; }

    /// <summary>The time unit of the BG/NBD parameters (and of x, t_x, T): always days.</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "A property of the fitted model, read on the model like its parameters (the clv document reports it, the tests read model.TimeUnit).")]
    public string TimeUnit => "days";

    /// <summary>Wall time of <see cref="Fit"/>: compression, both fits and the standard errors.</summary>
    public TimeSpan FitTime { get; }

    /// <summary>Fits BG/NBD on every customer and, with enough repeat customers, Gamma-Gamma on those.</summary>
    /// <exception cref="ArgumentException">
    /// There are no customers, an option is out of range, or a customer's summary is not a history
    /// (x a whole number ≥ 0, 0 ≤ t_x ≤ T, all finite; a finite monetary value).
    /// </exception>
    /// <exception cref="InvalidOperationException">A fit did not converge.</exception>
    public static ClvModel Fit(IReadOnlyList<ClvCustomer> customers, ClvOptions options)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(options);
        if (customers.Count == 0) throw new ArgumentException("There are no customers to fit: the CLV model needs at least one customer's repeat summary.", nameof(customers));
        if (!(options.MonthlyDiscountRate >= 0) || !double.IsFinite(options.MonthlyDiscountRate))
            throw new ArgumentException($"MonthlyDiscountRate must be a finite number >= 0, not {options.MonthlyDiscountRate}.", nameof(options));
        if (options.MinimumRepeatCustomers < 1)
            throw new ArgumentException($"MinimumRepeatCustomers must be at least 1, not {options.MinimumRepeatCustomers}.", nameof(options));

        var clock = Stopwatch.StartNew();
        var spend = new List<SpendSummary>();
        var valueSum = 0.0;
        for (var i = 0; i < customers.Count; i++)
        {
            var c = customers[i];
            if (!double.IsFinite(c.MonetaryValue))
                throw new ArgumentException($"Customer {i} has monetary value {c.MonetaryValue}: it must be finite.", nameof(customers));
            if (c.Summary.Frequency >= 1 && c.MonetaryValue > 0)
            {
                spend.Add(new SpendSummary(c.Summary.Frequency, c.MonetaryValue));
                valueSum += c.MonetaryValue;
            }
        }

        var bgData = BgNbdData.Compress(customers.Select(c => c.Summary));
        var bgNbd = Clv.BgNbd.Fit(bgData);
        var bgNbdErrors = Clv.BgNbd.StandardErrors(bgNbd.Parameters, bgData);

        GammaGammaFit? gammaGamma = null;
        GammaGammaParameters? gammaGammaErrors = null;
        if (spend.Count >= options.MinimumRepeatCustomers)
        {
            var ggData = GammaGammaData.Compress(spend);
            gammaGamma = Clv.GammaGamma.Fit(ggData);
            gammaGammaErrors = Clv.GammaGamma.StandardErrors(gammaGamma.Parameters, ggData);
        }

        var meanRepeatValue = spend.Count == 0 ? 0 : valueSum / spend.Count;
        return new ClvModel(bgNbd, bgNbdErrors, gammaGamma, gammaGammaErrors, meanRepeatValue, spend.Count, options, clock.Elapsed);
    }

    /// <summary>
    /// The expected value of one of this customer's future orders: the Gamma-Gamma conditional mean
    /// for a repeat customer, the model's population mean p·γ/(q − 1) for anyone else (or
    /// <see cref="MeanRepeatValue"/> when q ≤ 1 or there is no Gamma-Gamma model).
    /// </summary>
    public double ExpectedOrderValue(ClvCustomer customer)
    {
        if (GammaGamma is null) return MeanRepeatValue;
        var x = customer.Summary.Frequency;
        if (x < 1 || customer.MonetaryValue <= 0) return populationOrderValue;
        var g = GammaGamma.Parameters;
        return g.P * (g.Gamma + x * customer.MonetaryValue) / (g.P * x + g.Q - 1);
    }

    /// <summary>Expected purchases in the next <paramref name="days"/> days, given the customer's history (BG/NBD).</summary>
    public double ExpectedPurchases(RepeatSummary summary, double days) => Clv.BgNbd.ExpectedPurchases(BgNbd.Parameters, summary, days);

    /// <summary>
    /// A customer's predictions. Thread-safe. The part that depends on (x, T) alone is computed once
    /// per distinct pair (up to 200,000 pairs are remembered), so customers with ages in whole days
    /// cost little more than P(alive). The customer is not validated (the fit's rules apply).
    /// </summary>
    public ClvScore Score(ClvCustomer customer)
    {
        var p = BgNbd.Parameters;
        var summary = customer.Summary;
        var key = (summary.Frequency, summary.Age);
        if (!ifAlive.TryGetValue(key, out var expected))
        {
            expected = new double[Horizons.Length];
            Clv.BgNbd.ExpectedPurchasesIfAlive(p, summary.Frequency, summary.Age, Horizons, expected);
            if (Volatile.Read(ref remembered) < MaxRemembered && ifAlive.TryAdd(key, expected)) Interlocked.Increment(ref remembered);
        }
        var alive = Clv.BgNbd.ProbabilityAlive(p, summary);
        var orderValue = ExpectedOrderValue(customer);
        var clv = 0.0;
        var previous = 0.0;
        for (var m = 0; m < 12; m++)
        {
            var byMonthEnd = expected[FirstMonth + m];
            clv += (byMonthEnd - previous) * monthlyDiscount[m];
            previous = byMonthEnd;
        }
        return new ClvScore(alive, alive * expected[0], alive * expected[1], alive * expected[2], orderValue, alive * clv * orderValue);
    }

    /// <summary>Scores every customer, in parallel; result i belongs to customer i.</summary>
    public ClvScore[] ScoreAll(IReadOnlyList<ClvCustomer> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var scores = new ClvScore[customers.Count];
        Parallel.For(0, (customers.Count + 4095) / 4096, chunk =>
        {
            var end = Math.Min(customers.Count, (chunk + 1) * 4096);
            for (var i = chunk * 4096; i < end; i++) scores[i] = Score(customers[i]);
        });
        return scores;
    }
}
