namespace TrpoEdge.Sim.Tests;

/// <summary>Paths to the shipped rig files, found by walking up from the test's directory.</summary>
internal static class TestRigs
{
    public static string Path(string name) =>
        EnvRegistry.FindRigFile(name) ?? throw new InvalidOperationException($"hardware/rigs/{name}.yaml not found above {AppContext.BaseDirectory}.");

    public static RigSpec DirectDrive => RigSpec.Load(Path("direct-drive"));
    public static RigSpec Qube => RigSpec.Load(Path("qube-servo-2"));
}
