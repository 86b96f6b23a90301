using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Trainer.Gpu.Envs;

/// <summary>A pendulum rig × <see cref="Count"/> on the device: the nominal rig (as <see cref="RigEnv"/>, what
/// `--env rig.yaml` trains on) or, with <c>randomize</c>, a new draw of the file's <c>randomization:</c> ranges every
/// episode (as <see cref="RandomizedRigEnv"/>).</summary>
internal sealed class RigDeviceEnv : IDeviceEnv
{
    private readonly List<IDisposable> _buffers = [];
    private readonly RigKernels.State _state;
    private readonly RigKernels.Config _config;
    private readonly Action<Index1D, RigKernels.State, RigKernels.Config, ArrayView<float>> _reset;
    private readonly MemoryBuffer1D<ulong, Stride1D.Dense> _rng, _paramRng;
    private readonly Action<Index1D, RigKernels.State, RigKernels.Config, StepBuffers> _step;

    public RigDeviceEnv(Accelerator accelerator, RigSpec spec, int count, bool randomize)
    {
        IReadOnlyList<string> keys = RigSpec.Keys;
        string[] expected = ["gravity", "control.period", "control.substeps", "max_episode_steps", "delay_steps", "pendulum.mass",
            "pendulum.length", "pendulum.com", "pendulum.inertia", "motor.supply_voltage", "motor.resistance", "motor.torque_constant",
            "motor.back_emf_constant", "motor.gear_ratio", "motor.rotor_inertia", "friction.viscous", "friction.coulomb",
            "friction.coulomb_velocity_scale", "sensor.encoder_counts_per_rev", "sensor.angle_noise_std", "sensor.velocity_noise_std",
            "reward.action_scale", "reset.max_angle", "reset.max_velocity", "observation.max_velocity", "limits.max_angle",
            "limits.max_velocity", "limits.terminate"];
        if (!keys.SequenceEqual(expected))
            throw new InvalidOperationException("RigSpec's keys changed; the rig kernels index them by position and must be updated with them.");
        Id = "Rig:" + spec.Name;
        Count = count;
        var nominal = keys.Select(k => spec[k]).ToArray();
        var ranges = randomize ? spec.Randomization.ToArray() : [];
        int[] rKeys = ranges.Select(r => Array.IndexOf(expected, r.Key)).ToArray();
        int maxDelay = Math.Max(spec.DelaySteps, ranges.Where(r => r.Key == "delay_steps").Select(r => (int)Math.Floor(r.Value.High)).DefaultIfEmpty(0).Max());

        _config = new RigKernels.Config
        {
            Nominal = Upload(accelerator, nominal), Low = Upload(accelerator, ranges.Select(r => r.Value.Low).DefaultIfEmpty(0).ToArray()),
            High = Upload(accelerator, ranges.Select(r => r.Value.High).DefaultIfEmpty(0).ToArray()),
            Keys = Track(accelerator.Allocate1D(rKeys.DefaultIfEmpty(0).ToArray())).View,
            Integer = Track(accelerator.Allocate1D(ranges.Select(r => (byte)(IsInteger(r.Key) ? 1 : 0)).DefaultIfEmpty((byte)0).ToArray())).View,
            Randomized = ranges.Length, Randomize = randomize ? 1 : 0, Integrator = spec.Integrator == RigIntegrator.SemiImplicitEuler ? 1 : 0,
            ComDerived = Derived(spec, "pendulum.com", "pendulum.length", ranges), InertiaDerived = Derived(spec, "pendulum.inertia", "pendulum.mass", ranges),
            BackEmfDerived = Derived(spec, "motor.back_emf_constant", "motor.torque_constant", ranges), MaxDelay = Math.Max(1, maxDelay),
        };
        var allParams = new double[(long)count * RigKernels.KeyCount];
        for (int i = 0; i < count; i++) nominal.CopyTo(allParams, (long)i * RigKernels.KeyCount);
        _state = new RigKernels.State
        {
            Th = Track(accelerator.Allocate1D<double>(count)).View, ThDot = Track(accelerator.Allocate1D<double>(count)).View,
            Params = Upload(accelerator, allParams), Folded = Track(accelerator.Allocate1D<double>((long)count * RigKernels.FoldedCount)).View,
            Delay = Track(accelerator.Allocate1D<double>((long)count * Math.Max(1, maxDelay))).View,
            Elapsed = Track(accelerator.Allocate1D<int>(count)).View, DelayHead = Track(accelerator.Allocate1D<int>(count)).View,
            Rng = (_rng = Track(accelerator.Allocate1D<ulong>((long)DeviceRandom.Words * count))).View,
            ParamRng = (_paramRng = Track(accelerator.Allocate1D<ulong>((long)DeviceRandom.Words * count))).View,
        };
        _reset = accelerator.LoadAutoGroupedStreamKernel<Index1D, RigKernels.State, RigKernels.Config, ArrayView<float>>(RigKernels.Reset);
        _step = accelerator.LoadAutoGroupedStreamKernel<Index1D, RigKernels.State, RigKernels.Config, StepBuffers>(RigKernels.Step);
    }

    public string Id { get; }
    public int Count { get; }
    public int ObservationSize => 3;

    public void Reset(ulong seed, ArrayView<float> observations)
    {
        DeviceRandom.Seed(_rng, Count, seed);
        DeviceRandom.Seed(_paramRng, Count, seed, RigKernels.ParameterStream);
        _reset(Count, _state, _config, observations);
    }

    public void Step(in StepBuffers buffers) => _step(Count, _state, _config, buffers);

    /// <summary>Whether RigSpec derives <paramref name="key"/> from <paramref name="source"/>: probed by changing the
    /// source (an explicit value does not follow it), and not when a randomisation range draws it itself.</summary>
    private static int Derived(RigSpec spec, string key, string source, KeyValuePair<string, RigRange>[] ranges)
    {
        if (ranges.Any(r => r.Key == key)) return 0;
        double before = spec[key];
        double after = spec.WithOverride(source, spec[source] * 1.5)[key];
        return after != before ? 1 : 0;
    }

    private static bool IsInteger(string key) => key is "control.substeps" or "max_episode_steps" or "delay_steps" or "sensor.encoder_counts_per_rev" or "limits.terminate";

    private ArrayView<double> Upload(Accelerator accelerator, double[] values) => Track(accelerator.Allocate1D(values.Length == 0 ? [0.0] : values)).View;

    private MemoryBuffer1D<T, Stride1D.Dense> Track<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer) where T : unmanaged
    {
        _buffers.Add(buffer);
        return buffer;
    }

    public void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
    }
}
