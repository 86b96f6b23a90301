namespace TrpoEdge.Runtime.Policy;

/// <summary>The model cannot drive the plant; <see cref="Report"/> holds every finding, and the message
/// lists the errors.</summary>
public sealed class PolicyContractException : Exception
{
    public PolicyContractException(string modelName, ContractReport report)
        : base($"The model {modelName} does not fit the plant:{Environment.NewLine}"
               + string.Join(Environment.NewLine, report.Errors.Select(e => "  - " + e.Message)))
    {
        Report = report;
    }

    public ContractReport Report { get; }
}
