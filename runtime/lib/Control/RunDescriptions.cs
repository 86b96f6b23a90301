using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Runtime.Control;

/// <summary>The trajectory store's run row for a policy acting on a plant. Every runtime front end (sim, serial,
/// MQTT) logs through this one place, so none can forget a field the trainer relies on — above all the acting
/// checkpoint's SHA-256, without which `trainer retrain` refuses the data.</summary>
public static class RunDescriptions
{
    public static RunInfo For(IPlant plant, PolicyModelInfo model, string notes, double? controlPeriod = null) => new()
    {
        EnvId = plant.EnvId,
        ObservationSpace = plant.ObservationSpace,
        ActionSpace = plant.ActionSpace,
        Program = "runtime " + (typeof(RunDescriptions).Assembly.GetName().Version?.ToString(2) ?? "?"),
        ModelSha256 = model.ModelSha256,
        CheckpointSha256 = model.CheckpointSha256,
        PolicyVersion = model.PolicyVersion,
        Plant = plant.Description,
        ControlPeriod = controlPeriod ?? plant.ControlPeriod,
        Notes = notes,
    };
}
