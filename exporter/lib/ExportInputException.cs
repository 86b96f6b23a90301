namespace TrpoEdge.Exporter;

/// <summary>The export cannot start or finish because of what it was given: a missing or refused
/// checkpoint, or an output file that exists and may not be overwritten. The message says which and
/// what to do; the CLI maps it to exit code 2.</summary>
public sealed class ExportInputException : Exception
{
    public ExportInputException(string message) : base(message) { }
    public ExportInputException(string message, Exception inner) : base(message, inner) { }
}
