using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>
/// Reads the CDNOW transaction logs (Fader, Hardie &amp; Lee), one purchase per row, in any of
/// their three published layouts, told apart by the first non-blank line:
/// <list type="bullet">
/// <item>whitespace-separated with 5 columns and no header (lifetimes <c>CDNOW_sample.txt</c>):
/// master id, sample id, date yyyyMMdd, cds, dollars;</item>
/// <item>whitespace-separated with 4 columns (lifetimes <c>CDNOW_master.txt</c>, with the header
/// <c>customer_id date number_of_cds dollar_value</c>, or without one): customer id, date, cds, dollars;</item>
/// <item>comma-separated with the header <c>masterid,sampleid,date,cds,sales</c> (BTYD <c>cdnowElog.csv</c>).</item>
/// </list>
/// Every row becomes one <c>Order Completed</c> in US dollars: user id = the CDNOW master id
/// without leading zeros (so the three files name a customer alike), time = the day at 00:00 UTC
/// (the logs have no time of day), revenue = dollars, quantity = cds, order id =
/// <c>cdnow-{customer}-{yyyyMMdd}-{n}</c> with n counting that customer's orders of that day (1, 2, ...),
/// so two orders on one day stay two orders and the same purchase gets the same id in every layout.
/// CR LF and LF line ends both work.
/// </summary>
internal sealed class CdnowReader : IImportReader
{
    public const string SourceName = "cdnow";
    public const string Currency = "USD";

    public const string MissingCustomer = "missing customer id";
    public const string BadCustomer = "bad customer id";
    public const string BadDate = "bad date";
    public const string BadQuantity = "bad quantity";
    public const string BadRevenue = "bad revenue";

    private static readonly string[] MasterHeader = ["customer_id", "date", "number_of_cds", "dollar_value"];
    private static readonly string[] ElogHeader = ["masterid", "sampleid", "date", "cds", "sales"];

    private readonly TimeProvider clock;
    private readonly string fileName;
    private readonly Action<string> note;

    /// <param name="note">Told which layout the file has, in words, once it is known.</param>
    public CdnowReader(TimeProvider clock, string fileName, Action<string> note)
    {
        this.clock = clock;
        this.fileName = fileName;
        this.note = note;
    }

    /// <summary>The CDNOW layouts.</summary>
    internal enum Layout
    {
        /// <summary>lifetimes CDNOW_sample.txt: master id, sample id, date, cds, dollars; whitespace, no header.</summary>
        SampleText,

        /// <summary>lifetimes CDNOW_master.txt: customer id, date, cds, dollars; whitespace, header optional.</summary>
        MasterText,

        /// <summary>BTYD cdnowElog.csv: masterid,sampleid,date,cds,sales with its header.</summary>
        ElogCsv,
    }

    public async IAsyncEnumerable<ImportRecord> ReadAsync(Stream input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        using var builder = new OrderEventBuilder(SourceName, Currency, clock);
        var ordersOfDay = new Dictionary<(string Customer, int Day), int>();
        Layout? layout = null;
        long line = 0;

        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (layout is null)
            {
                var (detected, header) = Detect(text);
                layout = detected;
                note(Describe(detected, header));
                if (header) continue;
            }
            yield return Convert(layout.Value, text, line, builder, ordersOfDay);
        }

        if (layout is null)
            throw new ImportInputException($"{fileName} is empty: a CDNOW file has one purchase per line (customer id, [sample id], date YYYYMMDD, cds, dollars).");
    }

    /// <summary>The layout of a file from its first non-blank line, and whether that line is a header.</summary>
    internal (Layout Layout, bool Header) Detect(string first)
    {
        if (first.Contains(',', StringComparison.Ordinal))
        {
            var names = first.Split(',', StringSplitOptions.TrimEntries);
            if (names.SequenceEqual(ElogHeader, StringComparer.OrdinalIgnoreCase))
                return (Layout.ElogCsv, true);
            throw new ImportInputException(
                $"{fileName} is comma-separated but its first line is not the CDNOW elog header ({string.Join(",", ElogHeader)}): {ClickstreamEventMapper.Clip(first)}");
        }

        var fields = Split(first, Layout.MasterText);
        if (fields.Length == MasterHeader.Length && fields.SequenceEqual(MasterHeader, StringComparer.OrdinalIgnoreCase))
            return (Layout.MasterText, true);
        if (fields.All(f => f.All(c => char.IsAsciiDigit(c) || c == '.')))
        {
            if (fields.Length == 5) return (Layout.SampleText, false);
            if (fields.Length == 4) return (Layout.MasterText, false);
        }
        throw new ImportInputException(
            $"{fileName} is not a CDNOW file: expected 5 whitespace-separated numbers (master id, sample id, date YYYYMMDD, cds, dollars), 4 (customer id, date, cds, dollars, optionally under the header '{string.Join(" ", MasterHeader)}') or the CSV header {string.Join(",", ElogHeader)}; its first line is: {ClickstreamEventMapper.Clip(first.Trim())}");
    }

    private static string Describe(Layout layout, bool header) => layout switch
    {
        Layout.SampleText => "import: CDNOW layout: whitespace-separated, 5 columns (master id, sample id, date, cds, dollars), no header",
        Layout.MasterText => $"import: CDNOW layout: whitespace-separated, 4 columns (customer id, date, cds, dollars), {(header ? "with" : "no")} header",
        _ => "import: CDNOW layout: CSV masterid,sampleid,date,cds,sales (BTYD elog), with header",
    };

    private static string[] Split(string text, Layout layout) => layout == Layout.ElogCsv
        ? text.Split(',', StringSplitOptions.TrimEntries)
        : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static ImportRecord Convert(Layout layout, string text, long line, OrderEventBuilder builder, Dictionary<(string, int), int> ordersOfDay)
    {
        var fields = Split(text, layout);
        var expected = layout == Layout.MasterText ? 4 : 5;
        if (fields.Length != expected)
            return ImportRecord.Rejected(line, fields.Length < expected ? ClickstreamCsvReader.ShortRow : ClickstreamCsvReader.LongRow);
        var (customerText, dateText, cdsText, dollarsText) = layout == Layout.MasterText
            ? (fields[0], fields[1], fields[2], fields[3])
            : (fields[0], fields[2], fields[3], fields[4]);

        if (customerText.Length == 0) return ImportRecord.Rejected(line, MissingCustomer);
        if (!customerText.All(char.IsAsciiDigit)) return ImportRecord.Rejected(line, BadCustomer);
        var customer = customerText.TrimStart('0');
        if (customer.Length == 0) customer = "0";

        if (dateText.Length != 8 || !DateTime.TryParseExact(dateText, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return ImportRecord.Rejected(line, BadDate);
        if (!int.TryParse(cdsText, NumberStyles.None, CultureInfo.InvariantCulture, out var cds) || cds <= 0)
            return ImportRecord.Rejected(line, BadQuantity);
        if (!decimal.TryParse(dollarsText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var dollars))
            return ImportRecord.Rejected(line, BadRevenue);

        var dayNumber = (day.Year * 100 + day.Month) * 100 + day.Day;
        var ordinal = ordersOfDay.GetValueOrDefault((customer, dayNumber)) + 1;
        ordersOfDay[(customer, dayNumber)] = ordinal;

        var orderId = string.Create(CultureInfo.InvariantCulture, $"cdnow-{customer}-{dateText}-{ordinal}");
        var e = builder.Build(new OrderFacts(
            EventNames.OrderCompleted,
            customer,
            orderId,
            new DateTimeOffset(day, TimeSpan.Zero),
            dollars,
            cds,
            []));
        return ImportRecord.Accepted(line, e);
    }
}
