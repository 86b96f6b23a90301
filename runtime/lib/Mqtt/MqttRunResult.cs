using TrpoEdge.Runtime.Control;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>What a <see cref="MqttRuntime"/> run did.</summary>
public sealed record MqttRunResult(
    IReadOnlyList<EpisodeResult> Episodes,
    IReadOnlyList<RunSummary> Summaries,
    MqttLinkStats Link,
    long PolicySwitches,
    long FinalPolicyVersion,
    IReadOnlyList<string> PolicyRefusals,
    long BatchesPublished,
    long BatchesAcknowledged,
    bool Drained,
    long? RunId,
    bool Cancelled)
{
    public long TotalSteps => Episodes.Sum(e => (long)e.Steps);
}
