namespace TrpoEdge.Runtime.Policy;

/// <summary>How much a contract finding matters (ML-Agents' model checks use the same three levels).</summary>
public enum CheckSeverity
{
    /// <summary>Worth knowing; nothing to do.</summary>
    Info,
    /// <summary>The policy will run, but probably not as trained.</summary>
    Warning,
    /// <summary>The policy cannot run against this plant.</summary>
    Error,
}
