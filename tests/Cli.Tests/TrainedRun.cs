namespace TrpoEdge.Cli.Tests;

/// <summary>One short Pendulum-v1 training run (one update, exported), made once with the real trainer CLI and
/// shared by the tests that need a checkpoint, a model and a field store; tests copy what they modify.</summary>
public sealed class TrainedRun : IDisposable
{
    private readonly TempDir _dir = new();

    public TrainedRun()
    {
        Programs.Run("trainer", _dir.Path, "train", "--env", "Pendulum-v1", "--total-steps", "2048", "--out", "run", "--set", "final_eval_episodes=2").Expect(0);
        Programs.Run("runtime", _dir.Path, "--model", Model, "--sim", "Pendulum-v1", "--episodes", "3", "--explore", "--log", Store).Expect(0);
    }

    public string Directory => _dir.Path;
    public string RunFolder => Path.Combine(_dir.Path, "run");
    public string Checkpoint => Path.Combine(RunFolder, "ckpt.safetensors");
    public string Model => Path.Combine(RunFolder, "policy.onnx");
    public string Store => Path.Combine(_dir.Path, "field.db");

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TrainedRunCollection : ICollectionFixture<TrainedRun>
{
    public const string Name = "trained run";
}
