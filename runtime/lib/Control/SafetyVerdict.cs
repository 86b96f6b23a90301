namespace TrpoEdge.Runtime.Control;

/// <summary>What the safety layer did with one action.</summary>
public enum SafetyVerdict
{
    /// <summary>Within bounds; passed unchanged.</summary>
    Passed,
    /// <summary>Outside the bounds; clamped.</summary>
    Clamped,
    /// <summary>NaN or infinite: replaced by the zero action; a fault.</summary>
    NonFinite,
}
