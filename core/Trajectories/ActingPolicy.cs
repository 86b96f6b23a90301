namespace TrpoEdge.Core.Trajectories;

/// <summary>Which policy acted in an episode: its version (accepted updates since the first checkpoint), the
/// SHA-256 of the checkpoint its model was exported from, and the SHA-256 of the model file itself. Recorded per
/// episode because a runtime that follows published policies switches model between episodes, and the trainer
/// must know exactly which policy's log-probabilities each episode carries.</summary>
public sealed record ActingPolicy(long Version, string? CheckpointSha256, string? ModelSha256)
{
    /// <summary>The run's own policy, the default for episodes that do not name another.</summary>
    public static ActingPolicy Of(RunInfo run) => new(run.PolicyVersion, run.CheckpointSha256, run.ModelSha256);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that cannot be stored.</summary>
    public void Validate()
    {
        if (Version < 0) throw new ArgumentException($"ActingPolicy.Version is {Version}; policy versions start at 0.");
        if (CheckpointSha256 is { } c && !IsSha256(c))
            throw new ArgumentException($"ActingPolicy.CheckpointSha256 is \"{c}\"; it must be 64 lower-case hex digits, or null when unknown.");
        if (ModelSha256 is { } m && !IsSha256(m))
            throw new ArgumentException($"ActingPolicy.ModelSha256 is \"{m}\"; it must be 64 lower-case hex digits, or null when unknown.");
    }

    public override string ToString() =>
        $"policy version {Version} (checkpoint {(CheckpointSha256 is { } c ? c[..12] + "…" : "unknown")})";

    internal static bool IsSha256(string s) => s.Length == 64 && s.All(ch => ch is >= '0' and <= '9' or >= 'a' and <= 'f');
}
