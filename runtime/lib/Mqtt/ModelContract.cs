using System.Security.Cryptography;
using TrpoEdge.Runtime.Inference;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>Reads the contract a policy model states (env id, spaces, control period, version) without a plant:
/// what a networked rig must be checked against, and what a received policy must match.</summary>
public static class ModelContract
{
    public static PolicyModelInfo Read(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string sha = Convert.ToHexStringLower(SHA256.HashData(model));
        using var session = new OnnxModel(model, new InferenceOptions { IntraOpThreads = 1 });
        var checks = new List<ContractCheck>();
        PolicyModelInfo info = PolicyContractChecker.ReadInfo(session, sha, checks);
        if (info.EnvId is null || info.ObservationSpace is null || info.ActionSpace is null)
            throw new InvalidDataException("The model does not state its env id and spaces in its metadata (not a TrpoEdge export?): "
                + string.Join("; ", checks.Select(c => c.Message)));
        return info;
    }

    /// <summary>The plant options a model implies: its env id and spaces, its control period to check the rig's against.</summary>
    public static MqttPlantOptions PlantOptions(PolicyModelInfo info, int? maxEpisodeSteps = null) => new()
    {
        EnvId = info.EnvId,
        ExpectedObservationSpace = info.ObservationSpace,
        ExpectedActionSpace = info.ActionSpace,
        ExpectedControlPeriod = info.ControlPeriod,
        MaxEpisodeSteps = maxEpisodeSteps,
    };
}
