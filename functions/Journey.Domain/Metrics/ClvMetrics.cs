using System.Diagnostics;
using Journey.Domain.Clv;
using Microsoft.Extensions.Logging;

namespace Journey.Domain.Metrics;

/// <summary>
/// The <c>clv</c> metrics document. <see cref="Status"/>: <c>fitted</c>; <c>insufficientData</c>
/// when there are fewer repeat customers than <c>DailyJob:MinimumRepeatCustomers</c>, or
/// <c>notConverged</c> when a fit failed (then only the historical CLV is given).
/// <see cref="RepeatPurchases"/> is Σx, the repeat purchases (distinct days) the BG/NBD model saw:
/// the log-likelihood in another time unit is ln L + Σx · ln(unit in days), e.g. + Σx · ln 7 in weeks.
/// <see cref="Histogram"/> and <see cref="Top"/> rank the customers by <see cref="HistogramOf"/>:
/// <c>predictedClv</c> (12 months) when the model is fitted, else <c>historicalClv</c>.
/// </summary>
public sealed record ClvMetrics(
    string Status,
    long Customers,
    long RepeatCustomers,
    long RepeatPurchases,
    ClvModelFigures? Model,
    ClvDistribution? Predicted,
    ClvTotals Historical,
    double? MeanProbabilityAlive,
    double? ExpectedPurchases30,
    double? ExpectedPurchases90,
    double? ExpectedPurchases365,
    string HistogramOf,
    IReadOnlyList<ClvBin> Histogram,
    IReadOnlyList<ClvTopCustomer> Top);

/// <summary>
/// The fitted models (BG/NBD parameters per <see cref="TimeUnit"/>). Without a Gamma-Gamma model
/// (fewer repeat customers than the minimum) every expected order value is <see cref="MeanRepeatValue"/>.
/// <see cref="FitSeconds"/> is left out when the job compares documents.
/// </summary>
public sealed record ClvModelFigures(
    string TimeUnit,
    double MonthlyDiscountRate,
    double MeanRepeatValue,
    BgNbdFigures BgNbd,
    GammaGammaFigures? GammaGamma,
    double FitSeconds);

public sealed record BgNbdFigures(double R, double Alpha, double A, double B, double LogLikelihood, long Customers, BgNbdErrors? StandardErrors);

/// <summary>Standard errors (observed information); null where the information matrix is singular.</summary>
public sealed record BgNbdErrors(double? R, double? Alpha, double? A, double? B);

public sealed record GammaGammaFigures(double P, double Q, double Gamma, double LogLikelihood, long Customers, GammaGammaErrors? StandardErrors);

public sealed record GammaGammaErrors(double? P, double? Q, double? Gamma);

/// <summary>Predicted 12-month CLV over the customers: total, mean, median and the ten deciles (1 = the top 10 %).</summary>
public sealed record ClvDistribution(double Total, double Mean, double Median, IReadOnlyList<ClvDecile> Deciles);

public sealed record ClvDecile(int Decile, long Customers, double Min, double Max, double Mean, double Total, double Share);

/// <summary>Historical CLV (revenue up to D) over the customers with an order.</summary>
public sealed record ClvTotals(double Total, double Mean, double Median);

/// <summary>The CLV step of the daily job: fits <see cref="ClvModel"/> on the buyers' rows, scores every row, summarises.</summary>
internal static class ClvStep
{
    public sealed record Outcome(ClvMetrics Metrics, TimeSpan FitTime, TimeSpan ScoreTime);

    public static Outcome Run(Span<BuyerRow> rows, DailyJobOptions options, ILogger logger)
    {
        var repeatCustomers = 0L;
        var repeatPurchases = 0L;
        foreach (ref readonly var row in rows)
        {
            if (row.Repeat.Frequency > 0) repeatCustomers++;
            repeatPurchases += (long)row.Repeat.Frequency;
        }
        var historical = Totals(rows);
        if (rows.Length == 0 || repeatCustomers < Math.Max(1, options.MinimumRepeatCustomers))
            return Unfitted("insufficientData", rows, repeatCustomers, repeatPurchases, historical);

        var customers = new ClvCustomer[rows.Length];
        for (var i = 0; i < rows.Length; i++) customers[i] = new ClvCustomer(rows[i].Repeat, rows[i].RepeatMonetary);
        ClvModel model;
        try
        {
            model = ClvModel.Fit(customers, new ClvOptions { MonthlyDiscountRate = options.MonthlyDiscountRate, MinimumRepeatCustomers = options.MinimumRepeatCustomers });
        }
        catch (InvalidOperationException e)
        {
            logger.ClvNotConverged(e, rows.Length, repeatCustomers);
            return Unfitted("notConverged", rows, repeatCustomers, repeatPurchases, historical);
        }

        var clock = Stopwatch.StartNew();
        var scores = model.ScoreAll(customers);
        double sumAlive = 0, sum30 = 0, sum90 = 0, sum365 = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            ref var row = ref rows[i];
            var s = scores[i];
            row.Scored = true;
            row.ProbabilityAlive = Finite(s.ProbabilityAlive, 6);
            row.ExpectedPurchases30 = Finite(s.ExpectedPurchases30, 6);
            row.ExpectedPurchases90 = Finite(s.ExpectedPurchases90, 6);
            row.ExpectedPurchases365 = Finite(s.ExpectedPurchases365, 6);
            row.ExpectedOrderValue = Finite(s.ExpectedOrderValue, 2);
            row.PredictedClv = Finite(s.PredictedClv12Months, 2);
            sumAlive += row.ProbabilityAlive;
            sum30 += row.ExpectedPurchases30;
            sum90 += row.ExpectedPurchases90;
            sum365 += row.ExpectedPurchases365;
        }
        var scoreTime = clock.Elapsed;

        var bg = model.BgNbd;
        var bgErrors = model.BgNbdStandardErrors;
        var figures = new ClvModelFigures(
            model.TimeUnit,
            options.MonthlyDiscountRate,
            Finite(model.MeanRepeatValue, 2),
            new BgNbdFigures(bg.Parameters.R, bg.Parameters.Alpha, bg.Parameters.A, bg.Parameters.B, bg.LogLikelihood, bg.Customers,
                new BgNbdErrors(OrNull(bgErrors.R), OrNull(bgErrors.Alpha), OrNull(bgErrors.A), OrNull(bgErrors.B))),
            model.GammaGamma is { } gg
                ? new GammaGammaFigures(gg.Parameters.P, gg.Parameters.Q, gg.Parameters.Gamma, gg.LogLikelihood, gg.Customers,
                    model.GammaGammaStandardErrors is { } ge ? new GammaGammaErrors(OrNull(ge.P), OrNull(ge.Q), OrNull(ge.Gamma)) : null)
                : null,
            Math.Round(model.FitTime.TotalSeconds, 3));
        var n = rows.Length;
        var metrics = new ClvMetrics(
            "fitted", n, repeatCustomers, repeatPurchases, figures, Distribution(rows), historical,
            Figures.Round(sumAlive / n, 4), Figures.Round(sum30, 2), Figures.Round(sum90, 2), Figures.Round(sum365, 2),
            ClvRanking.PredictedMeasure, ClvRanking.Histogram(rows), ClvRanking.Top(rows));
        return new Outcome(metrics, model.FitTime, scoreTime);
    }

    private static Outcome Unfitted(string status, ReadOnlySpan<BuyerRow> rows, long repeatCustomers, long repeatPurchases, ClvTotals historical) =>
        new(new ClvMetrics(status, rows.Length, repeatCustomers, repeatPurchases, null, null, historical, null, null, null, null,
            ClvRanking.HistoricalMeasure, ClvRanking.Histogram(rows), ClvRanking.Top(rows)), TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>JSON has no NaN: a standard error that does not exist is left out.</summary>
    private static double? OrNull(double value) => double.IsFinite(value) ? value : null;

    private static double Finite(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : 0;

    private static ClvTotals Totals(ReadOnlySpan<BuyerRow> rows)
    {
        if (rows.Length == 0) return new ClvTotals(0, 0, 0);
        var values = new double[rows.Length];
        double total = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            values[i] = rows[i].Revenue;
            total += values[i];
        }
        Array.Sort(values);
        return new ClvTotals(Figures.Round(total, 2), Figures.Round(total / rows.Length, 2), Figures.Round(Figures.MedianOfSorted(values), 2));
    }

    /// <summary>The predicted CLV's distribution; decile 1 holds the highest values (sizes differ by at most one).</summary>
    private static ClvDistribution Distribution(ReadOnlySpan<BuyerRow> rows)
    {
        var n = rows.Length;
        var values = new double[n];
        double total = 0;
        for (var i = 0; i < n; i++)
        {
            values[i] = rows[i].PredictedClv;
            total += values[i];
        }
        Array.Sort(values);
        var median = Figures.MedianOfSorted(values);
        Array.Reverse(values);
        var deciles = new List<ClvDecile>();
        for (var d = 0; d < 10; d++)
        {
            var from = (int)((long)n * d / 10);
            var to = (int)((long)n * (d + 1) / 10);
            var slice = values.AsSpan(from, to - from);
            double sum = 0;
            foreach (var v in slice) sum += v;
            deciles.Add(slice.Length == 0
                ? new ClvDecile(d + 1, 0, 0, 0, 0, 0, 0)
                : new ClvDecile(d + 1, slice.Length, Figures.Round(slice[^1]), Figures.Round(slice[0]), Figures.Round(sum / slice.Length), Figures.Round(sum), Figures.PercentOrZero(sum, total)));
        }
        return new ClvDistribution(Figures.Round(total), Figures.Round(total / n), Figures.Round(median), deciles);
    }
}
