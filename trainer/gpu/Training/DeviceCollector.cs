using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Gpu.Engines;
using TrpoEdge.Trainer.Gpu.Envs;
using TrpoEdge.Trainer.Gpu.Kernels;
using TrpoEdge.Trainer.Gpu.Networks;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Gpu.Training;

/// <summary>Collects a rollout without leaving the device: per step one normalisation, one policy forward pass, one
/// sampling kernel (each environment its own generator), one environment step and one recording kernel; then critic
/// values, GAE, advantage statistics and the normaliser's batch moments, all reduced on the device. The host sees the
/// scalars (means, variances, episode statistics) and, for checkpoints, a sample of raw observations.</summary>
internal sealed class DeviceCollector : IDisposable
{
    private readonly GpuDevice _device;
    private readonly IDeviceEnv _env;
    private readonly DeviceMlp _policyNet;
    private readonly ObservationNormalizer _normalizer;
    private readonly int _e, _t, _d, _a, _k, _n;
    private readonly List<IDisposable> _buffers = [];
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _current, _stepFinal, _envActions, _stepOutputs, _mean, _std;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _stepRewards;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _stepTerm, _stepTrunc;
    private readonly MemoryBuffer1D<ulong, Stride1D.Dense> _rng;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _epReturn, _finReturn, _finLength, _finCount;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _epLength;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float> _normalize;
    private readonly Action<Index1D, RolloutKernels.SampleArgs> _sample;
    private readonly Action<Index1D, RolloutKernels.RecordArgs, int> _record;
    private readonly Action<Index1D, RolloutKernels.GaeArgs> _gae;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> _difference;
    private readonly RolloutKernels.SampleArgs _sampleArgs;
    private readonly RolloutKernels.RecordArgs _recordArgs;
    private readonly StepBuffers _step;
    private readonly float[] _meanHost, _stdHost;
    private readonly double[] _momentMean, _momentM2;

    public DeviceCollector(GpuDevice device, string envId, int envs, int stepsPerEnv, GpuPolicyEngine policyEngine,
        MlpPolicy policy, ObservationNormalizer normalizer, ulong seed)
    {
        _device = device;
        Accelerator acc = device.Accelerator;
        _e = envs; _t = stepsPerEnv; _d = policy.ObservationSize; _a = policy.ActionSize; _k = policy.OutputSize;
        _n = checked(envs * stepsPerEnv);
        _normalizer = normalizer;
        _env = DeviceEnvs.Create(acc, envId, envs);
        if (_env.ObservationSize != _d)
            throw new ArgumentException($"{envId} observes {_env.ObservationSize} values; the policy takes {_d}.");
        _policyNet = new DeviceMlp(device, policy.Network, policyEngine.Theta);

        _current = F(_e * _d); _stepFinal = F(_e * _d); _envActions = F(_e * _a); _stepOutputs = F(_e * _k);
        _mean = F(_d); _std = F(_d);
        _stepRewards = D(_e); _stepTerm = B(_e); _stepTrunc = B(_e);
        _rng = Track(acc.Allocate1D<ulong>((long)DeviceRandom.Words * _e));
        _epReturn = D(_e); _finReturn = D(_e); _finLength = D(_e); _finCount = D(_e);
        _epLength = Track(acc.Allocate1D<int>(_e));
        _epReturn.MemSetToZero(); _epLength.MemSetToZero();
        var low = F(Math.Max(1, _a)); var high = F(Math.Max(1, _a));
        if (policy is GaussianMlpPolicy g)
        {
            low.View.CopyFromCPU(g.Low.ToArray());
            high.View.CopyFromCPU(g.High.ToArray());
        }

        RawObservations = F(_n * _d); Observations = F(_n * _d); Actions = F(_n * _a); BehaviourLogProb = D(_n);
        Rewards = D(_n); Terminated = B(_n); Ended = B(_n); FinalNormalized = F(_n * _d); Values = F(_n);
        FinalValues = F(_n); LastNormalized = F(_e * _d); LastValues = F(_e); Advantages = F(_n); Returns = F(_n); Scratch = F(_n);

        _normalize = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RolloutKernels.Normalize);
        _sample = acc.LoadAutoGroupedStreamKernel<Index1D, RolloutKernels.SampleArgs>(RolloutKernels.Sample);
        _record = acc.LoadAutoGroupedStreamKernel<Index1D, RolloutKernels.RecordArgs, int>(RolloutKernels.Record);
        _gae = acc.LoadAutoGroupedStreamKernel<Index1D, RolloutKernels.GaeArgs>(RolloutKernels.Gae);
        _difference = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(RolloutKernels.Difference);
        // Each environment samples its actions from its own stream, disjoint from the environments' own.
        DeviceRandom.Seed(_rng, _e, seed ^ 0xA5A5_5A5A_C011_EC70UL);

        _sampleArgs = new RolloutKernels.SampleArgs
        {
            Outputs = _stepOutputs.View, Theta = policyEngine.Theta, EnvActions = _envActions.View, Low = low.View, High = high.View,
            Rng = _rng.View, K = _k, A = _a, HeadOffset = policy.Network.ParameterCount, Gaussian = policy is GaussianMlpPolicy ? 1 : 0,
        };
        _recordArgs = new RolloutKernels.RecordArgs
        {
            StepRewards = _stepRewards.View, Rewards = Rewards.View, EpisodeReturn = _epReturn.View, FinishedReturn = _finReturn.View,
            FinishedLength = _finLength.View, FinishedCount = _finCount.View, StepTerminated = _stepTerm.View, StepTruncated = _stepTrunc.View,
            Terminated = Terminated.View, Ended = Ended.View, StepFinal = _stepFinal.View, FinalNormalized = FinalNormalized.View,
            Mean = _mean.View, Std = _std.View, EpisodeLength = _epLength.View, D = _d, Clip = normalizer.Clip,
        };
        _step = new StepBuffers
        {
            Actions = _envActions.View, Observations = _current.View, Final = _stepFinal.View, Rewards = _stepRewards.View,
            Terminated = _stepTerm.View, Truncated = _stepTrunc.View,
        };
        _meanHost = new float[_d];
        _stdHost = new float[_d];
        _momentMean = new double[_d];
        _momentM2 = new double[_d];
        _env.Reset(seed, _current.View);
    }

    public int Count => _n;
    public MemoryBuffer1D<float, Stride1D.Dense> RawObservations { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Observations { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Actions { get; }
    public MemoryBuffer1D<double, Stride1D.Dense> BehaviourLogProb { get; }
    public MemoryBuffer1D<double, Stride1D.Dense> Rewards { get; }
    public MemoryBuffer1D<byte, Stride1D.Dense> Terminated { get; }
    public MemoryBuffer1D<byte, Stride1D.Dense> Ended { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> FinalNormalized { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Values { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> FinalValues { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> LastNormalized { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> LastValues { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Advantages { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Returns { get; }
    private MemoryBuffer1D<float, Stride1D.Dense> Scratch { get; }

    /// <summary>Mean return and length of the episodes that ended during the last <see cref="Collect"/> (NaN if none).</summary>
    public (double Return, double Length, double Episodes) LastEpisodes { get; private set; }

    /// <summary>Steps every environment <c>stepsPerEnv</c> times with the current policy and frozen normaliser.</summary>
    public void Collect()
    {
        _normalizer.Mean32.CopyTo(_meanHost);
        _normalizer.Std32.CopyTo(_stdHost);
        _mean.View.CopyFromCPU(_meanHost);
        _std.View.CopyFromCPU(_stdHost);
        _finReturn.MemSetToZero(); _finLength.MemSetToZero(); _finCount.MemSetToZero();
        float clip = _normalizer.Clip;
        int ed = _e * _d;
        for (int t = 0; t < _t; t++)
        {
            ArrayView<float> obs = Slice(Observations, t * ed, ed);
            _normalize(ed, _current.View, obs, _mean.View, _std.View, _d, clip);
            ((ArrayView<float>)_current.View).CopyTo(Slice(RawObservations, t * ed, ed));
            _policyNet.Forward(obs, _e, _stepOutputs.View);
            var s = _sampleArgs;
            s.Actions = Slice(Actions, t * _e * _a, _e * _a);
            s.BehaviourLogProb = ((ArrayView<double>)BehaviourLogProb.View).SubView((long)t * _e, _e);
            _sample(_e, s);
            _env.Step(_step);
            _record(_e, _recordArgs, t * _e);
        }
        _normalize(ed, _current.View, LastNormalized.View, _mean.View, _std.View, _d, clip);
        Reducer red = _device.Reducer;
        double episodes = red.Sum(_finCount.View, _e);
        LastEpisodes = episodes > 0
            ? (red.Sum(_finReturn.View, _e) / episodes, red.Sum(_finLength.View, _e) / episodes, episodes)
            : (double.NaN, double.NaN, 0);
    }

    /// <summary>V(s_t), V of each truncated step's final observation and of each environment's last observation, then
    /// GAE and returns = Â + V.</summary>
    public void ComputeAdvantages(GpuValueEngine critic, double gamma, double lambda)
    {
        critic.PredictDevice(Observations.View, _n, Values.View);
        critic.PredictDevice(FinalNormalized.View, _n, FinalValues.View);
        critic.PredictDevice(LastNormalized.View, _e, LastValues.View);
        _gae(_e, new RolloutKernels.GaeArgs
        {
            Rewards = Rewards.View, Terminated = Terminated.View, Ended = Ended.View, Values = Values.View, FinalValues = FinalValues.View,
            LastValues = LastValues.View, Advantages = Advantages.View, Returns = Returns.View, Envs = _e, Steps = _t, Gamma = gamma, Lambda = lambda,
        });
    }

    /// <summary>1 − Var(returns − values)/Var(returns), as the managed Statistics.ExplainedVariance.</summary>
    public double ExplainedVariance()
    {
        Reducer red = _device.Reducer;
        _difference(_n, Returns.View, Values.View, Scratch.View);
        double my = red.Sum(Returns.View, _n) / _n, md = red.Sum(Scratch.View, _n) / _n;
        double vy = red.SquaredDeviations(Returns.View, _n, 0, 1, my), vd = red.SquaredDeviations(Scratch.View, _n, 0, 1, md);
        return vy == 0 ? double.NaN : 1 - vd / vy;
    }

    /// <summary>Â ← (Â − mean)/(std + 1e-8), population std, as the managed Statistics.Standardize.</summary>
    public void StandardizeAdvantages()
    {
        Reducer red = _device.Reducer;
        double mean = red.Sum(Advantages.View, _n) / _n;
        double std = Math.Sqrt(red.SquaredDeviations(Advantages.View, _n, 0, 1, mean) / _n) + 1e-8;
        _device.Kernels.Standardize(_n, Advantages.View, mean, std);
    }

    /// <summary>Folds this rollout's raw observations into the normaliser through their per-dimension moments.</summary>
    public void UpdateNormalizer()
    {
        if (!_normalizer.Enabled) return;
        Reducer red = _device.Reducer;
        for (int j = 0; j < _d; j++)
        {
            _momentMean[j] = red.Sum(RawObservations.View, _n, j, _d) / _n;
            _momentM2[j] = red.SquaredDeviations(RawObservations.View, _n, j, _d, _momentMean[j]);
        }
        _normalizer.UpdateFromMoments(_momentMean, _momentM2, _n);
    }

    /// <summary>Up to <paramref name="keep"/> raw observations spread over the rollout, for the checkpoint.</summary>
    public float[] SampleRawObservations(int keep)
    {
        keep = Math.Min(keep, _n);
        var rows = new int[keep];
        for (int r = 0; r < keep; r++) rows[r] = (int)((long)r * _n / keep);
        using var dRows = _device.Accelerator.Allocate1D(rows);
        using var dOut = _device.Accelerator.Allocate1D<float>((long)keep * _d);
        _device.Heads.GatherRows(keep * _d, RawObservations.View, dOut.View, dRows.View, _d);
        return dOut.GetAsArray1D();
    }

    private static ArrayView<float> Slice(MemoryBuffer1D<float, Stride1D.Dense> b, long offset, long length) =>
        ((ArrayView<float>)b.View).SubView(offset, length);

    private MemoryBuffer1D<float, Stride1D.Dense> F(long n) => Track(_device.Accelerator.Allocate1D<float>(Math.Max(1, n)));
    private MemoryBuffer1D<double, Stride1D.Dense> D(long n) => Track(_device.Accelerator.Allocate1D<double>(Math.Max(1, n)));
    private MemoryBuffer1D<byte, Stride1D.Dense> B(long n) => Track(_device.Accelerator.Allocate1D<byte>(Math.Max(1, n)));

    private T Track<T>(T buffer) where T : IDisposable
    {
        _buffers.Add(buffer);
        return buffer;
    }

    public void Dispose()
    {
        _policyNet.Dispose();
        _env.Dispose();
        foreach (var b in _buffers) b.Dispose();
    }
}
