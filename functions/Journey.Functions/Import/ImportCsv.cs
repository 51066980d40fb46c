using CsvHelper;

namespace Journey.Functions.Import;

/// <summary>How the CSV imports read their files: CsvHelper's streaming reader, comma-separated, RFC 4180 quoting.</summary>
internal static class ImportCsv
{
    /// <summary>
    /// The reader options: the header is read by the caller as a row, a row with a different number
    /// of fields is handed over (the caller decides), and the line numbers of rows with broken
    /// quoting are added to <paramref name="malformedLines"/> so the caller can reject them.
    /// </summary>
    public static CsvReaderOptions Options(HashSet<long> malformedLines) => CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = false,
        TrackLineNumbers = true,
        SkipEmptyLines = true,
        MalformedData = CsvMalformedDataHandling.Recover,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        OnMalformedRecord = m =>
        {
            if (m.Reason != CsvMalformedReason.FieldCountMismatch) malformedLines.Add(m.LineNumber);
        },
    };
}
