namespace TrpoEdge.Sim;

/// <summary>One logged rig episode from its reset, for <see cref="RigIdentifier"/>: <see cref="Observations"/> holds the
/// observations [cos θ, sin θ, θ̇] of steps 0 … <see cref="Steps"/> (one more row than commands: the last is the one
/// after the final step), <see cref="Commands"/> the command sent at each step.</summary>
public sealed record RigEpisode
{
    public RigEpisode(float[] observations, float[] commands)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(commands);
        if (observations.Length != 3 * (commands.Length + 1))
            throw new ArgumentException($"{commands.Length} commands need {3 * (commands.Length + 1)} observation values (3 per step and 3 after the last), got {observations.Length}.", nameof(observations));
        foreach (float v in observations)
            if (!float.IsFinite(v)) throw new ArgumentException("An observation value is not finite; such an episode cannot be used to identify the rig.", nameof(observations));
        foreach (float v in commands)
            if (!float.IsFinite(v)) throw new ArgumentException("A command is not finite; such an episode cannot be used to identify the rig.", nameof(commands));
        Observations = observations;
        Commands = commands;
    }

    public float[] Observations { get; }
    public float[] Commands { get; }
    public int Steps => Commands.Length;
}
