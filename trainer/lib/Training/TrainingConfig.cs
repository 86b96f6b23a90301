using System.Globalization;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Constraints;
using TrpoEdge.Trainer.Sampling;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TrpoEdge.Trainer.Training;

/// <summary>RL-Zoo-style hyperparameter files: a YAML map from environment id to settings, with SB3-contrib's
/// TRPO names so zoo users recognise them (n_envs, n_steps, n_timesteps, gamma, gae_lambda, target_kl,
/// cg_max_steps, cg_damping, line_search_max_iter, line_search_shrinking_factor, learning_rate,
/// n_critic_updates, batch_size, sub_sampling_factor, normalize_advantage, normalize, normalize_reward, net_arch, activation_fn,
/// log_std_init) plus this toolkit's own (eval_every, eval_episodes, final_eval_episodes, keep_best, video_every, video_episodes, checkpoint_every,
/// stop_at_return, obs_clip, seed) and the variants' (sampling: single_path|vine, vine_states, vine_actions,
/// vine_horizon, vine_bootstrap; constraint: trust_region|penalty, penalty_epochs, penalty_lr, penalty_beta_init,
/// penalty_batch_size). Unknown keys are errors, not silently ignored.</summary>
public static class TrainingConfig
{
    public static readonly IReadOnlyList<string> Keys =
    [
        "n_envs", "n_steps", "n_timesteps", "gamma", "gae_lambda", "target_kl", "cg_max_steps", "cg_damping",
        "line_search_max_iter", "line_search_shrinking_factor", "learning_rate", "n_critic_updates", "batch_size",
        "critic_head_solve", "critic_head_ridge", "sub_sampling_factor", "normalize_advantage", "normalize", "normalize_reward", "net_arch", "activation_fn", "log_std_init",
        "eval_every", "eval_episodes", "final_eval_episodes", "keep_best", "video_every", "video_episodes", "checkpoint_every", "stop_at_return", "obs_clip", "seed",
        "sampling", "vine_states", "vine_actions", "vine_horizon", "vine_bootstrap",
        "constraint", "penalty_epochs", "penalty_lr", "penalty_beta_init", "penalty_batch_size",
    ];

    /// <summary>The options as a config file this reader accepts: one section for the environment with every
    /// setting, in <see cref="Keys"/> order. `trainer train` writes it into the run folder (config.yml), so a run
    /// can be repeated with `--config RUN/config.yml` and read without knowing the C# names.</summary>
    public static string ToYaml(TrainingOptions o, string? header = null)
    {
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        static string B(bool v) => v ? "true" : "false";
        TrpoOptions t = o.Trpo;
        var lines = new List<string>();
        if (header is not null) lines.AddRange(header.Split('\n').Select(l => "# " + l));
        lines.Add($"\"{o.EnvId}\":");
        void Add(string key, string value) => lines.Add($"  {key}: {value}");
        Add("n_envs", I(o.NumEnvs));
        Add("n_steps", I(o.StepsPerEnv));
        Add("n_timesteps", I(o.TotalSteps));
        Add("gamma", N(t.Gamma));
        Add("gae_lambda", N(t.GaeLambda));
        Add("target_kl", N(t.TargetKl));
        Add("cg_max_steps", I(t.CgIterations));
        Add("cg_damping", N(t.CgDamping));
        Add("line_search_max_iter", I(t.LineSearchSteps));
        Add("line_search_shrinking_factor", N(t.LineSearchShrink));
        Add("learning_rate", N(t.CriticLearningRate));
        Add("n_critic_updates", I(t.CriticEpochs));
        Add("batch_size", I(t.CriticBatchSize));
        Add("critic_head_solve", B(t.CriticHeadSolve));
        Add("critic_head_ridge", N(t.CriticHeadRidge));
        Add("sub_sampling_factor", I((long)Math.Round(1.0 / t.FvpSubsample)));
        Add("normalize_advantage", B(t.NormalizeAdvantage));
        Add("normalize", B(o.NormalizeObservations));
        Add("normalize_reward", B(o.NormalizeRewards));
        Add("net_arch", "[" + string.Join(", ", o.Hidden.Select(h => I(h))) + "]");
        Add("activation_fn", o.Activation);
        Add("log_std_init", N(o.LogStdInit));
        Add("eval_every", I(o.EvalEvery));
        Add("eval_episodes", I(o.EvalEpisodes));
        Add("final_eval_episodes", I(o.FinalEvalEpisodes));
        Add("keep_best", B(o.KeepBest));
        Add("video_every", I(o.VideoEvery));
        Add("video_episodes", I(o.VideoEpisodes));
        Add("checkpoint_every", I(o.CheckpointEvery));
        if (o.StopAtReturn is double stop) Add("stop_at_return", N(stop));
        Add("obs_clip", N(o.ObservationClip));
        Add("seed", I((long)o.Seed));
        Add("sampling", o.Sampling == SamplingScheme.Vine ? "vine" : "single_path");
        Add("vine_states", I(o.Vine.States));
        Add("vine_actions", I(o.Vine.Actions));
        Add("vine_horizon", I(o.Vine.Horizon));
        Add("vine_bootstrap", B(o.Vine.Bootstrap));
        Add("constraint", o.Constraint == PolicyConstraint.Penalty ? "penalty" : "trust_region");
        Add("penalty_epochs", I(o.Penalty.Epochs));
        Add("penalty_lr", N(o.Penalty.LearningRate));
        Add("penalty_beta_init", N(o.Penalty.BetaInit));
        Add("penalty_batch_size", I(o.Penalty.MinibatchSize));
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Reads the section for <paramref name="envId"/> from a config file and applies it over <paramref name="baseline"/>.</summary>
    public static TrainingOptions Load(string path, string envId, TrainingOptions baseline)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Config file {path} does not exist.", path);
        return Parse(File.ReadAllText(path), path, envId, baseline);
    }

    /// <summary>Like <see cref="Load"/> for YAML text; <paramref name="source"/> names it in messages.</summary>
    public static TrainingOptions Parse(string text, string source, string envId, TrainingOptions baseline)
    {
        string path = source;
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"{path}:{e.Start.Line}: not valid YAML: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's own state errors on some malformed input (found by feeding random bytes).
            throw new FormatException($"{path}: not valid YAML ({e.Message}).");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new FormatException($"{path}: expected a map from environment id to settings, e.g. \"{envId}:\" followed by indented keys.");
        YamlMappingNode? section = null;
        foreach (var (key, value) in root.Children)
            if (Name(key, path) == envId) section = value as YamlMappingNode;
        if (section is null)
        {
            string ids = string.Join(", ", root.Children.Keys.Select(k => Name(k, path)));
            throw new FormatException($"{path} has no section for {envId}; it has: {ids}.");
        }
        return Apply(section, baseline with { EnvId = envId }, path);
    }

    private static string? Name(YamlNode key, string path) => key is YamlScalarNode scalar ? scalar.Value
        : throw new FormatException($"{path}:{key.Start.Line}: a key must be a plain name (an environment id or a setting), not a {key.NodeType.ToString().ToLowerInvariant()}.");

    private static TrainingOptions Apply(YamlMappingNode section, TrainingOptions o, string path)
    {
        TrpoOptions t = o.Trpo;
        VineOptions vine = o.Vine;
        KlPenaltyOptions penalty = o.Penalty;
        foreach (var (keyNode, valueNode) in section.Children)
        {
            string key = Name(keyNode, path) ?? "";
            string where = $"{path}:{keyNode.Start.Line}: {key}";
            switch (key)
            {
                case "n_envs": o = o with { NumEnvs = Int(valueNode, where) }; break;
                case "n_steps": o = o with { StepsPerEnv = Int(valueNode, where) }; break;
                case "n_timesteps": o = o with { TotalSteps = (long)Number(valueNode, where) }; break;
                case "seed": o = o with { Seed = (ulong)Int(valueNode, where) }; break;
                case "gamma": t = t with { Gamma = Number(valueNode, where) }; break;
                case "gae_lambda": t = t with { GaeLambda = Number(valueNode, where) }; break;
                case "target_kl": t = t with { TargetKl = Number(valueNode, where) }; break;
                case "cg_max_steps": t = t with { CgIterations = Int(valueNode, where) }; break;
                case "cg_damping": t = t with { CgDamping = Number(valueNode, where) }; break;
                case "line_search_max_iter": t = t with { LineSearchSteps = Int(valueNode, where) }; break;
                case "line_search_shrinking_factor": t = t with { LineSearchShrink = Number(valueNode, where) }; break;
                case "learning_rate": t = t with { CriticLearningRate = Number(valueNode, where) }; break;
                case "n_critic_updates": t = t with { CriticEpochs = Int(valueNode, where) }; break;
                case "batch_size": t = t with { CriticBatchSize = Int(valueNode, where) }; break;
                case "critic_head_solve": t = t with { CriticHeadSolve = Bool(valueNode, where) }; break;
                case "critic_head_ridge": t = t with { CriticHeadRidge = Number(valueNode, where) }; break;
                case "sub_sampling_factor": t = t with { FvpSubsample = 1.0 / Int(valueNode, where) }; break;
                case "normalize_advantage": t = t with { NormalizeAdvantage = Bool(valueNode, where) }; break;
                case "normalize": o = o with { NormalizeObservations = Bool(valueNode, where) }; break;
                case "normalize_reward": o = o with { NormalizeRewards = Bool(valueNode, where) }; break;
                case "net_arch": o = o with { Hidden = IntList(valueNode, where) }; break;
                case "activation_fn": o = o with { Activation = Text(valueNode, where).ToLowerInvariant() }; break;
                case "log_std_init": o = o with { LogStdInit = Number(valueNode, where) }; break;
                case "eval_every": o = o with { EvalEvery = Int(valueNode, where) }; break;
                case "eval_episodes": o = o with { EvalEpisodes = Int(valueNode, where) }; break;
                case "final_eval_episodes": o = o with { FinalEvalEpisodes = Int(valueNode, where) }; break;
                case "keep_best": o = o with { KeepBest = Bool(valueNode, where) }; break;
                case "video_every": o = o with { VideoEvery = Int(valueNode, where) }; break;
                case "video_episodes": o = o with { VideoEpisodes = Int(valueNode, where) }; break;
                case "checkpoint_every": o = o with { CheckpointEvery = Int(valueNode, where) }; break;
                case "stop_at_return": o = o with { StopAtReturn = Number(valueNode, where) }; break;
                case "obs_clip": o = o with { ObservationClip = (float)Number(valueNode, where) }; break;
                case "sampling": o = o with { Sampling = ParseSampling(valueNode, where) }; break;
                case "vine_states": vine = vine with { States = Int(valueNode, where) }; break;
                case "vine_actions": vine = vine with { Actions = Int(valueNode, where) }; break;
                case "vine_horizon": vine = vine with { Horizon = Int(valueNode, where) }; break;
                case "vine_bootstrap": vine = vine with { Bootstrap = Bool(valueNode, where) }; break;
                case "constraint": o = o with { Constraint = ParseConstraint(valueNode, where) }; break;
                case "penalty_epochs": penalty = penalty with { Epochs = Int(valueNode, where) }; break;
                case "penalty_lr": penalty = penalty with { LearningRate = Number(valueNode, where) }; break;
                case "penalty_beta_init": penalty = penalty with { BetaInit = Number(valueNode, where) }; break;
                case "penalty_batch_size": penalty = penalty with { MinibatchSize = Int(valueNode, where) }; break;
                default:
                    throw new FormatException($"{where}: unknown setting. Known settings: {string.Join(", ", Keys)}.");
            }
        }
        return o with { Trpo = t, Vine = vine, Penalty = penalty };
    }

    private static SamplingScheme ParseSampling(YamlNode node, string where) => Text(node, where).ToLowerInvariant() switch
    {
        "single_path" or "single-path" => SamplingScheme.SinglePath,
        "vine" => SamplingScheme.Vine,
        var s => throw new FormatException($"{where}: \"{s}\" is not a sampling scheme; use single_path or vine."),
    };

    private static PolicyConstraint ParseConstraint(YamlNode node, string where) => Text(node, where).ToLowerInvariant() switch
    {
        "trust_region" or "trust-region" => PolicyConstraint.TrustRegion,
        "penalty" or "kl_penalty" => PolicyConstraint.Penalty,
        var s => throw new FormatException($"{where}: \"{s}\" is not a constraint; use trust_region or penalty."),
    };

    private static string Text(YamlNode node, string where) =>
        node is YamlScalarNode { Value: { } v } ? v : throw new FormatException($"{where}: expected a single value.");

    private static double Number(YamlNode node, string where)
    {
        string s = Text(node, where);
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : throw new FormatException($"{where}: \"{s}\" is not a number.");
    }

    private static int Int(YamlNode node, string where)
    {
        double v = Number(node, where);
        return v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue
            ? (int)v : throw new FormatException($"{where}: {v} is not a whole number.");
    }

    private static bool Bool(YamlNode node, string where) => Text(node, where).ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var s => throw new FormatException($"{where}: \"{s}\" is not true or false."),
    };

    private static int[] IntList(YamlNode node, string where) =>
        node is YamlSequenceNode seq ? seq.Children.Select(c => Int(c, where)).ToArray()
            : throw new FormatException($"{where}: expected a list of layer widths, e.g. [64, 64].");
}
