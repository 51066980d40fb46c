namespace Journey.Domain.Collection;

/// <summary>
/// Why the collector rejected input, in the shape of the 400 response body
/// (<c>{"error": "...", "field": "..."}</c>). <see cref="Field"/> names the offending field as the
/// client wrote it, with the batch position for batch items (<c>batch[3].messageId</c>); "body"
/// (or <c>batch[3]</c>) when the message as a whole is wrong.
/// </summary>
public sealed record CollectionError(string Error, string Field);
