using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>
/// What one row (line) of an import file became: an event, or the reason it was rejected. An
/// orders file may group several rows into one event (the lines of one invoice): <see cref="Rows"/>
/// says how many rows the event stands for, and <see cref="Line"/> is the first of them.
/// </summary>
internal readonly record struct ImportRecord(long Line, JourneyEvent? Event, string? Rejection, int Rows = 1)
{
    public static ImportRecord Accepted(long line, JourneyEvent e, int rows = 1) => new(line, e, null, rows);

    public static ImportRecord Rejected(long line, string reason) => new(line, null, reason);
}

/// <summary>Reads one import format: a stream in, one record per row out, in file order, streaming.</summary>
internal interface IImportReader
{
    /// <summary>The records of <paramref name="input"/>.</summary>
    /// <exception cref="ImportInputException">The file as a whole cannot be read in this format.</exception>
    IAsyncEnumerable<ImportRecord> ReadAsync(Stream input, CancellationToken cancellationToken);
}
