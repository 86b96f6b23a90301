using TrpoEdge.Sim.Random;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Rollouts;

/// <summary>Fills a <see cref="RolloutBuffer"/> from a vectorised environment with the current stochastic policy,
/// then computes values, bootstraps and GAE advantages. Per-step work reuses preallocated buffers.</summary>
public sealed class RolloutCollector
{
    private readonly VectorEnv _envs;
    private readonly MlpPolicy _policy;
    private readonly ObservationNormalizer _normalizer;
    private readonly Pcg64 _rng;
    private readonly float[] _current, _stepNormalized, _stepOutputs, _envActions;
    private readonly double[] _stepRewards;
    private readonly bool[] _stepTerminated, _stepTruncated;
    private readonly float[] _stepFinal;
    private float[] _extraObservations = [], _extraValues = [];
    private readonly double[] _learnRewards;
    private readonly bool[] _stepEnded;

    public RolloutCollector(VectorEnv envs, MlpPolicy policy, ObservationNormalizer normalizer, ulong seed)
    {
        _envs = envs;
        _policy = policy;
        _normalizer = normalizer;
        _rng = new Pcg64(seed);
        int e = envs.Count, d = envs.ObsSize;
        _current = new float[e * d];
        _stepNormalized = new float[e * d];
        _stepOutputs = new float[e * policy.OutputSize];
        _envActions = new float[e * envs.ActSize];
        _stepRewards = new double[e];
        _stepTerminated = new bool[e];
        _stepTruncated = new bool[e];
        _stepFinal = new float[e * d];
        _learnRewards = new double[e];
        _stepEnded = new bool[e];
        Tracker = new EpisodeTracker(e);
        envs.Reset(seed, _current);
    }

    public EpisodeTracker Tracker { get; }

    /// <summary>Scales the rewards the learner sees (the buffer's); episode returns are tracked raw. Null: raw rewards.</summary>
    public RewardScaler? RewardScaler { get; init; }

    /// <summary>Runs StepsPerEnv steps in every environment into <paramref name="buffer"/>.
    /// <paramref name="beforeStep"/>, if given, is called with t before step t, while every env is still in the state
    /// that produced the observation stored at (env, t): vine sampling saves simulator states there.</summary>
    public void Collect(RolloutBuffer buffer, Action<int>? beforeStep = null)
    {
        int e = _envs.Count, d = _envs.ObsSize, a = _policy.ActionSize, envA = _envs.ActSize;
        for (int t = 0; t < buffer.StepsPerEnv; t++)
        {
            beforeStep?.Invoke(t);
            _normalizer.Normalize(_current, _stepNormalized);
            _policy.Forward(_stepNormalized, e, _stepOutputs);
            for (int k = 0; k < e; k++)
            {
                int i = buffer.Index(k, t);
                _current.AsSpan(k * d, d).CopyTo(buffer.RawObservations.AsSpan(i * d, d));
                _stepNormalized.AsSpan(k * d, d).CopyTo(buffer.Observations.AsSpan(i * d, d));
                Span<float> action = buffer.Actions.AsSpan(i * a, a);
                buffer.BehaviourLogProb[i] = _policy.Sample(_stepOutputs.AsSpan(k * _policy.OutputSize, _policy.OutputSize), _rng, action);
                _policy.ToEnvironmentAction(action, _envActions.AsSpan(k * envA, envA));
            }
            _envs.Step(_envActions, _current, _stepRewards, _stepTerminated, _stepTruncated, _stepFinal);
            // The learner's rewards: the env's own, or a scaled copy (episode returns stay raw either way).
            double[] learnRewards = _stepRewards;
            if (RewardScaler is not null)
            {
                _stepRewards.CopyTo(_learnRewards, 0);
                for (int k = 0; k < e; k++) _stepEnded[k] = _stepTerminated[k] || _stepTruncated[k];
                RewardScaler.Scale(_learnRewards, _stepEnded);
                learnRewards = _learnRewards;
            }
            for (int k = 0; k < e; k++)
            {
                int i = buffer.Index(k, t);
                buffer.Rewards[i] = learnRewards[k];
                buffer.Terminated[i] = _stepTerminated[k];
                bool ended = _stepTerminated[k] || _stepTruncated[k];
                buffer.EpisodeEnded[i] = ended;
                if (ended) _stepFinal.AsSpan(k * d, d).CopyTo(buffer.FinalObservations.AsSpan(i * d, d));
                Tracker.Record(k, _stepRewards[k], ended);
            }
        }
        _current.CopyTo(buffer.LastObservations, 0);
    }

    /// <summary>V(s_t) for every step, V of what followed each step, then GAE and returns = Â + V.</summary>
    public void ComputeAdvantages(RolloutBuffer buffer, ValueFunction critic, TrpoOptions options)
    {
        int n = buffer.Count, d = buffer.ObservationSize, T = buffer.StepsPerEnv;
        critic.Predict(buffer.Observations, n, buffer.Values);

        // Observations whose value bootstraps a step: final observations of truncated steps and each env's last one.
        int extra = buffer.Envs;
        for (int i = 0; i < n; i++) if (buffer.EpisodeEnded[i] && !buffer.Terminated[i]) extra++;
        if (_extraObservations.Length < extra * d) { _extraObservations = new float[extra * d]; _extraValues = new float[extra]; }
        int row = 0;
        for (int i = 0; i < n; i++)
            if (buffer.EpisodeEnded[i] && !buffer.Terminated[i])
                _normalizer.Normalize(buffer.FinalObservations.AsSpan(i * d, d), _extraObservations.AsSpan(row++ * d, d));
        int lastRows = row;
        _normalizer.Normalize(buffer.LastObservations, _extraObservations.AsSpan(lastRows * d, buffer.Envs * d));
        critic.Predict(_extraObservations, extra, _extraValues);

        row = 0;
        for (int k = 0; k < buffer.Envs; k++)
            for (int t = 0; t < T; t++)
            {
                int i = buffer.Index(k, t);
                if (buffer.Terminated[i]) buffer.NextValues[i] = 0f;
                else if (buffer.EpisodeEnded[i]) buffer.NextValues[i] = _extraValues[row++];
                else buffer.NextValues[i] = t + 1 < T ? buffer.Values[i + 1] : _extraValues[lastRows + k];
            }
        // row now counts truncated steps in env-major order, the same order they were gathered in.

        for (int k = 0; k < buffer.Envs; k++)
        {
            int start = buffer.Index(k, 0);
            Gae.Compute(buffer.Rewards.AsSpan(start, T), buffer.Values.AsSpan(start, T), buffer.NextValues.AsSpan(start, T),
                buffer.Terminated.AsSpan(start, T), buffer.EpisodeEnded.AsSpan(start, T), options.Gamma, options.GaeLambda,
                buffer.Advantages.AsSpan(start, T));
        }
        for (int i = 0; i < n; i++) buffer.Returns[i] = buffer.Advantages[i] + buffer.Values[i];
    }
}
