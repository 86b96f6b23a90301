using TrpoEdge.Sim;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Training;

/// <summary>Deterministic evaluation: episode i is reset with seed <c>baseSeed + i</c>, so `trainer eval` and the
/// runtime (which uses the same rule) play the same initial states. Several episodes run side by side so the
/// policy is evaluated in batches.</summary>
public sealed class Evaluator
{
    private readonly Func<IEnv> _factory;
    private readonly MlpPolicy _policy;
    private readonly ObservationNormalizer _normalizer;
    private readonly int _parallel;

    public Evaluator(Func<IEnv> factory, MlpPolicy policy, ObservationNormalizer normalizer, int parallel = 16)
    {
        _factory = factory;
        _policy = policy;
        _normalizer = normalizer;
        _parallel = parallel;
    }

    /// <summary>Returns each episode's undiscounted return, in episode order. <paramref name="afterStep"/> sees
    /// (episode, env) after every step; <paramref name="onFrame"/> sees every reset and step with its action and
    /// return so far (for videos).</summary>
    public double[] Run(int episodes, ulong baseSeed, Action<int, IEnv>? afterStep = null, Action<EvaluationFrame>? onFrame = null)
    {
        var returns = new double[episodes];
        int lanes = Math.Min(_parallel, episodes);
        var envs = new IEnv[lanes];
        for (int k = 0; k < lanes; k++) envs[k] = _factory();
        int d = _policy.ObservationSize, o = _policy.OutputSize, a = _policy.ActionSize;
        int envA = envs[0].ActionSpace.FlatSize;
        var raw = new float[lanes * d];
        var norm = new float[lanes * d];
        var outputs = new float[lanes * o];
        var action = new float[a];
        var envAction = new float[envA];
        var episodeOf = new int[lanes];
        var active = new int[lanes];
        var compactNorm = new float[lanes * d];
        int next = 0;
        for (int k = 0; k < lanes; k++)
        {
            episodeOf[k] = next;
            envs[k].Reset(baseSeed + (ulong)next, raw.AsSpan(k * d, d));
            onFrame?.Invoke(new EvaluationFrame(next, 0, envs[k], default, 0, 0));
            next++;
        }
        var steps = new int[lanes];
        int remaining = episodes;
        while (remaining > 0)
        {
            int count = 0;
            for (int k = 0; k < lanes; k++) if (episodeOf[k] >= 0) active[count++] = k;
            _normalizer.Normalize(raw, norm);
            for (int c = 0; c < count; c++) norm.AsSpan(active[c] * d, d).CopyTo(compactNorm.AsSpan(c * d, d));
            _policy.Forward(compactNorm, count, outputs);
            for (int c = 0; c < count; c++)
            {
                int k = active[c];
                _policy.Deterministic(outputs.AsSpan(c * o, o), action);
                _policy.ToEnvironmentAction(action, envAction);
                StepResult r = envs[k].Step(envAction, raw.AsSpan(k * d, d));
                returns[episodeOf[k]] += r.Reward;
                afterStep?.Invoke(episodeOf[k], envs[k]);
                onFrame?.Invoke(new EvaluationFrame(episodeOf[k], ++steps[k], envs[k], envAction, r.Reward, returns[episodeOf[k]]));
                if (!r.Done) continue;
                remaining--;
                if (next < episodes)
                {
                    episodeOf[k] = next;
                    steps[k] = 0;
                    envs[k].Reset(baseSeed + (ulong)next, raw.AsSpan(k * d, d));
                    onFrame?.Invoke(new EvaluationFrame(next, 0, envs[k], default, 0, 0));
                    next++;
                }
                else episodeOf[k] = -1;
            }
        }
        return returns;
    }
}
