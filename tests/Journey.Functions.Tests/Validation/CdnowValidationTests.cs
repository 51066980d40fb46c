using Journey.Adapters.Store.Sqlite;
using Journey.Domain.Clv;
using Journey.Domain.Metrics;
using Journey.Functions.Hosting;
using Journey.Functions.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Journey.Testing;

namespace Journey.Functions.Tests.Validation;

/// <summary>
/// The CLV models end to end on real data: the CDNOW 1/10 sample (../shared/data/cdnow/
/// lifetimes_CDNOW_sample.txt, 2,357 customers of the 1997 Q1 cohort) is imported through the
/// stream and processor, the daily job runs as of 1997-09-30 (the 39-week calibration period of the
/// paper) and its <c>clv</c> document must match the published fits within 1 %:
/// BG/NBD r = 0.243, α = 4.414 per week, a = 0.793, b = 2.426, ln L = −9582.4
/// (Fader, Hardie &amp; Lee 2005, "Counting your customers the easy way", Marketing Science 24(2));
/// Gamma-Gamma on the 946 repeat customers p = 6.25, q = 3.74, γ = 15.44 (Fader &amp; Hardie 2013,
/// "The Gamma-Gamma model of monetary value"); and the paper's customer with x = 2,
/// t_x = 30.43, T = 38.86 weeks expects 1.226 purchases in the next 39 weeks.
/// </summary>
public sealed class CdnowValidationTests
{
    private const string Sample = "cdnow/lifetimes_CDNOW_sample.txt";

    [Fact]
    public async Task Import_then_daily_job_as_of_1997_09_30_reproduces_the_published_BG_NBD_and_Gamma_Gamma_fits()
    {
        var path = SharedData.Require(Sample);
        var data = Path.Combine(Path.GetTempPath(), "journey-cdnow-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(Commands.Success, await Commands.RunAsync(CommandLine.Parse(["import", path, "--preset", "cdnow", "--data", data])));
            Assert.Equal(Commands.Success, await Commands.RunAsync(CommandLine.Parse(["daily", "--date", "1997-09-30", "--data", data])));

            await using var store = new SqliteJourneyStore(SqliteStoreOptions.ForDataDirectory(data), NullLogger<SqliteJourneyStore>.Instance);
            var clv = (await store.GetAsync(MetricKinds.Clv, "1997-09-30", CancellationToken.None))!.Data;
            Assert.Equal("fitted", clv.GetProperty("status").GetString());
            Assert.Equal(2357, clv.GetProperty("customers").GetInt32());
            Assert.Equal(946, clv.GetProperty("repeatCustomers").GetInt32());

            var model = clv.GetProperty("model");
            Assert.Equal("days", model.GetProperty("timeUnit").GetString());
            var bg = model.GetProperty("bgNbd");
            var (r, alphaPerDay, a, b) = (bg.GetProperty("r").GetDouble(), bg.GetProperty("alpha").GetDouble(), bg.GetProperty("a").GetDouble(), bg.GetProperty("b").GetDouble());
            WithinOnePercent(0.243, r, "r");
            WithinOnePercent(4.414, alphaPerDay / 7, "alpha per week");
            WithinOnePercent(0.793, a, "a");
            WithinOnePercent(2.426, b, "b");
            // The density of each repeat purchase time is per day here, per week in the paper: ln L(weeks) = ln L(days) + Σx·ln 7.
            var repeatPurchases = clv.GetProperty("repeatPurchases").GetInt64();
            Assert.Equal(2457, repeatPurchases);
            WithinOnePercent(-9582.4, bg.GetProperty("logLikelihood").GetDouble() + repeatPurchases * Math.Log(7), "log-likelihood in weeks");

            var gg = model.GetProperty("gammaGamma");
            Assert.Equal(946, gg.GetProperty("customers").GetInt32());
            WithinOnePercent(6.25, gg.GetProperty("p").GetDouble(), "p");
            WithinOnePercent(3.74, gg.GetProperty("q").GetDouble(), "q");
            WithinOnePercent(15.44, gg.GetProperty("gamma").GetDouble(), "gamma");

            // The paper's example customer, with the parameters the pipeline fitted (in days).
            var fitted = new BgNbdParameters(r, alphaPerDay, a, b);
            var expected = BgNbd.ExpectedPurchases(fitted, new RepeatSummary(2, 30.43 * 7, 38.86 * 7), 39 * 7);
            Assert.Equal(1.226, expected, 0.0035);

            // Every customer of the cohort carries its predictions as of the date.
            var scored = 0;
            await foreach (var customer in store.ScanProjectionsAsync(CancellationToken.None))
            {
                Assert.Equal("1997-09-30", customer.Predictions?.AsOf);
                if (customer.Predictions!.ProbabilityAlive is >= 0 and <= 1 && customer.Predictions.PredictedClv >= 0) scored++;
            }
            Assert.Equal(2357, scored);
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // a leftover temp folder is harmless
            }
        }
    }

    private static void WithinOnePercent(double published, double actual, string name) =>
        Assert.True(Math.Abs(actual - published) <= 0.01 * Math.Abs(published), $"{name}: {actual} is not within 1% of the published {published} ({Sample})");
}
