using System.Text.Json;
using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Cli;

namespace TrpoEdge.Trainer.Cli;

/// <summary>Turns the exceptions a user can cause (bad flags, missing, unreadable or damaged files, refused
/// checkpoints and stores) into one red line on stderr and exit code 2, instead of a stack trace; anything else is
/// a bug and keeps its trace (exit 1).</summary>
internal static class CliErrors
{
    public const int BadInput = ExitCodeTable.BadInput;
    /// <summary>Stopped by Ctrl-C or SIGTERM after saving (128 + SIGINT, the shell's convention).</summary>
    public const int Interrupted = ExitCodeTable.Interrupted;

    public static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Report(e);
            return BadInput;
        }
        catch (Video.VideoException e)
        {
            // ffmpeg refused to encode (e.g. an unwritable path): its reason in one line, not a stack trace.
            Console.Error.WriteLine($"trainer: error: {ErrorText.OneLine(e)}");
            return 1;
        }
    }

    public static void Report(Exception e)
    {
        string prefix = e is SqliteException ? "the trajectory store could not be read: " : "";
        string message = ErrorText.OneLine(e);
        // Options validate with their C# property names; the user typed a flag or a config key.
        if (e is ArgumentException { ParamName: { } name } && UserNames.TryGetValue(name, out string? typed) && message.StartsWith(name + " = ", StringComparison.Ordinal))
            message = typed + message[name.Length..];
        // Plain text on stderr: one line however narrow the terminal or wherever it is redirected.
        Console.Error.WriteLine($"trainer: error: {prefix}{message}");
    }

    private static readonly Dictionary<string, string> UserNames = new(StringComparer.Ordinal)
    {
        ["TotalSteps"] = "--total-steps (n_timesteps)", ["NumEnvs"] = "--n-envs (n_envs)", ["StepsPerEnv"] = "n_steps",
        ["Updates"] = "--updates", ["MaxPolicyLag"] = "--max-lag", ["SimSteps"] = "--sim-steps", ["CriticWarmupRounds"] = "--critic-warmup",
        ["Gamma"] = "gamma", ["GaeLambda"] = "gae_lambda", ["TargetKl"] = "target_kl", ["CgIterations"] = "cg_max_steps",
        ["CgDamping"] = "cg_damping", ["LineSearchSteps"] = "line_search_max_iter", ["LineSearchShrink"] = "line_search_shrinking_factor",
        ["CriticLearningRate"] = "learning_rate", ["CriticEpochs"] = "n_critic_updates", ["CriticBatchSize"] = "batch_size",
        ["CriticHeadRidge"] = "critic_head_ridge", ["FvpSubsample"] = "sub_sampling_factor", ["Hidden"] = "net_arch", ["Activation"] = "activation_fn", ["LogStdInit"] = "log_std_init",
        ["ObservationClip"] = "obs_clip", ["EvalEvery"] = "eval_every", ["EvalEpisodes"] = "eval_episodes",
        ["FinalEvalEpisodes"] = "final_eval_episodes", ["CheckpointEvery"] = "checkpoint_every",
    };

    private static bool IsUserError(Exception e) => e is ArgumentException or FormatException or IOException or UnauthorizedAccessException
        or InvalidDataException or NotSupportedException or SqliteException or JsonException or OverflowException
        or YamlDotNet.Core.YamlException;
}
