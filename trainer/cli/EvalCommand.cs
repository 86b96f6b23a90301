using System.CommandLine;
using Spectre.Console;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim;
using TrpoEdge.Sim.Rendering;
using TrpoEdge.Trainer.Training;
using TrpoEdge.Trainer.Video;

namespace TrpoEdge.Trainer.Cli;

/// <summary>`trainer eval`: the deterministic policy of a checkpoint over N episodes, episode i reset with seed
/// <c>--seed + i</c> (the runtime uses the same rule, so both can be compared on the same initial states).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file (.safetensors) written by trainer train.", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to play.", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "Episode i starts from reset(seed + i).", DefaultValueFactory = _ => 0 };
        var env = new Option<string?>("--env") { Description = "Evaluate on another environment with the same spaces (e.g. a rig file) instead of the one trained on." };
        var render = new Option<string?>("--render") { Description = "Write the first episode as a video or animation: .mp4 (H.264 through ffmpeg, captioned with step, action and return), .gif, .svg, or .png (last frame)." };
        var command = new Command("eval", "Evaluate a checkpoint's deterministic policy.") { checkpoint, episodes, seed, env, render };
        command.SetAction((parse, _) => CliErrors.Guard(() => Task.FromResult(
            Run(parse.GetValue(checkpoint)!, parse.GetValue(episodes), parse.GetValue(seed), parse.GetValue(env), parse.GetValue(render)))));
        return command;
    }

    private static int Run(string checkpointPath, int episodes, ulong seed, string? envOverride, string? renderPath)
    {
        if (episodes < 1) throw new ArgumentException($"--episodes {episodes}: play at least one episode.");
        PolicyCheckpoint checkpoint = PolicyCheckpoint.Load(checkpointPath);
        Agent agent = Agent.FromCheckpoint(checkpoint);
        string envId = envOverride ?? checkpoint.EnvId;
        IEnv probe = EnvRegistry.Make(envId);
        var observation = SpaceConversion.ToSpec(probe.ObservationSpace);
        var action = SpaceConversion.ToSpec(probe.ActionSpace);
        if (!observation.Equals(checkpoint.ObservationSpace) || action.Kind != checkpoint.ActionSpace.Kind || action.Size != checkpoint.ActionSpace.Size)
            throw new ArgumentException($"{envId} has observations {observation} and actions {action}; the checkpoint was trained on {checkpoint.ObservationSpace} and {checkpoint.ActionSpace}.");

        bool mp4 = renderPath is not null && Path.GetExtension(renderPath).Equals(".mp4", StringComparison.OrdinalIgnoreCase);
        string? ffmpeg = null;
        if (mp4)
        {
            // Checked before playing, so a missing ffmpeg costs one line, not the evaluation.
            ffmpeg = Mp4Writer.FindFfmpeg();
            if (ffmpeg is null) throw new ArgumentException($"--render {renderPath}: ffmpeg was not found on PATH; install it (Debian: apt-get install ffmpeg) or render .gif, .svg or .png.");
        }
        var recorders = new EpisodeRecorder?[renderPath is null ? 0 : 1];
        var evaluator = new Evaluator(() => EnvRegistry.Make(envId), agent.Policy, agent.Normalizer);
        double[] returns = evaluator.Run(episodes, seed, onFrame: recorders.Length == 0 ? null : f => EvaluationVideos.Capture(recorders, f));
        if (renderPath is not null && recorders[0] is { } recording)
        {
            if (mp4) Mp4Writer.Write(recording, renderPath, EvaluationVideos.FramesPerSecond(recording), ffmpeg!);
            else recording.Save(renderPath);
        }

        var (mean, std) = Statistics.MeanStd(returns);
        var table = new Table().AddColumn("evaluation").AddColumn("value");
        table.AddRow("checkpoint", Markup.Escape($"{checkpointPath} (policy version {checkpoint.PolicyVersion}, {checkpoint.TotalSteps:N0} training steps)"));
        table.AddRow("environment", Markup.Escape(envId));
        table.AddRow("episodes", $"{episodes} (seeds {seed}…{seed + (ulong)episodes - 1})");
        table.AddRow("return", $"{mean:F2} ± {std:F2} (min {returns.Min():F1}, max {returns.Max():F1})");
        if (renderPath is not null) table.AddRow("rendered", Markup.Escape(renderPath));
        AnsiConsole.Write(table);
        return 0;
    }
}
