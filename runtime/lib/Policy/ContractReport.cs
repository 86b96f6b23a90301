namespace TrpoEdge.Runtime.Policy;

/// <summary>Every finding of a contract check, in the order checked.</summary>
public sealed class ContractReport
{
    public ContractReport(PolicyModelInfo model, IReadOnlyList<ContractCheck> checks)
    {
        Model = model;
        Checks = checks;
    }

    /// <summary>The contract as the model's metadata states it.</summary>
    public PolicyModelInfo Model { get; }
    public IReadOnlyList<ContractCheck> Checks { get; }
    public bool HasErrors => Checks.Any(c => c.Severity == CheckSeverity.Error);
    public IEnumerable<ContractCheck> Errors => Checks.Where(c => c.Severity == CheckSeverity.Error);
    public IEnumerable<ContractCheck> Warnings => Checks.Where(c => c.Severity == CheckSeverity.Warning);

    public override string ToString() => string.Join(Environment.NewLine, Checks);
}
