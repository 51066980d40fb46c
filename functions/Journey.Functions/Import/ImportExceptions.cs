namespace Journey.Functions.Import;

/// <summary>
/// An import that cannot run or cannot go on because of what it was given: its arguments or
/// its file. The command line answers these with exit code 2 and the message.
/// </summary>
public abstract class ImportException : Exception
{
    protected ImportException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>The arguments of <c>import</c> are wrong; the message names the problem.</summary>
public sealed class ImportArgumentException : ImportException
{
    public ImportArgumentException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The file as a whole cannot be imported (a header without the mapped columns, data that is
/// not gzip); single bad rows are rejected and counted instead.
/// </summary>
public sealed class ImportInputException : ImportException
{
    public ImportInputException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
