using System.Security.Cryptography;
using TrpoEdge.Runtime.Inference;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Serial;

namespace TrpoEdge.Runtime.Cli;

/// <summary>`runtime --port`: opens a serial rig and checks its handshake against the model's contract before any
/// command is sent — a rig with other dimensions, limits or control period is refused, not driven.</summary>
internal static class SerialRig
{
    public static SerialPlant Open(string modelPath, string port, int baud)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"Model {modelPath} does not exist.", modelPath);
        byte[] model = File.ReadAllBytes(modelPath);
        PolicyModelInfo info;
        using (var session = new OnnxModel(model))
            info = PolicyContractChecker.ReadInfo(session, Convert.ToHexStringLower(SHA256.HashData(model)), []);
        if (info.ObservationSpace is null || info.ActionSpace is null || info.ControlPeriod is null)
            throw new ArgumentException($"{modelPath} does not state its observation space, action space and control period; export it with a current exporter.");
        return SerialPlant.Open(port, baud, new SerialPlantOptions
        {
            EnvId = info.EnvId,
            ExpectedObservationSpace = info.ObservationSpace,
            ExpectedActionSpace = info.ActionSpace,
            ExpectedControlPeriod = info.ControlPeriod,
        });
    }
}
