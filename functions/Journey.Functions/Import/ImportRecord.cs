using Journey.Domain.Events;

namespace Journey.Functions.Import;

/// <summary>What one row (line) of an import file became: an event, or the reason it was rejected.</summary>
internal readonly record struct ImportRecord(long Line, JourneyEvent? Event, string? Rejection)
{
    public static ImportRecord Accepted(long line, JourneyEvent e) => new(line, e, null);

    public static ImportRecord Rejected(long line, string reason) => new(line, null, reason);
}

/// <summary>Reads one import format: a stream in, one record per row out, in file order, streaming.</summary>
internal interface IImportReader
{
    /// <summary>The records of <paramref name="input"/>.</summary>
    /// <exception cref="ImportInputException">The file as a whole cannot be read in this format.</exception>
    IAsyncEnumerable<ImportRecord> ReadAsync(Stream input, CancellationToken cancellationToken);
}
