namespace TrpoEdge.Runtime.Policy;

/// <summary>One finding from checking a model against a plant: a severity and a message that says
/// what was expected, what was found and what to do.</summary>
public sealed record ContractCheck(CheckSeverity Severity, string Message)
{
    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()}: {Message}";
}
