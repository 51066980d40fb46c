namespace Journey.Functions.Import;

/// <summary>
/// The outcome of an import: every row read went into an event sent to the stream or was
/// rejected. One row is one event (<see cref="RowsRead"/> = <see cref="EventsSent"/> +
/// <see cref="RowsRejected"/> once the import completes), except in orders files, where the lines
/// of one invoice make one order event.
/// </summary>
/// <param name="Source">The events' source, <c>import:{preset or format}</c>.</param>
/// <param name="EventsByName">Events sent per event name.</param>
/// <param name="Rejections">Rejected rows by reason, most frequent first.</param>
public sealed record ImportSummary(
    string Source,
    long RowsRead,
    long EventsSent,
    long RowsRejected,
    IReadOnlyDictionary<string, long> EventsByName,
    IReadOnlyList<ImportRejection> Rejections,
    TimeSpan Elapsed);

/// <summary>Rows rejected for one reason: how many, and the first few line numbers (1-based, the header being line 1).</summary>
public sealed record ImportRejection(string Reason, long Count, IReadOnlyList<long> FirstLines);
