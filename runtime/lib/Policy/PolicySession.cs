using System.Security.Cryptography;
using TrpoEdge.Core.Distributions;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Runtime.Inference;

namespace TrpoEdge.Runtime.Policy;

/// <summary>A policy model checked against a plant and ready to act at batch 1. Opening refuses a model
/// whose contract check has errors (<see cref="PolicyContractException"/> lists them all); warnings are
/// kept in <see cref="Report"/> for the caller to show. Exploration samples with core's distribution code,
/// so the logged behaviour log-probability is exactly what the trainer's importance ratio expects.</summary>
public sealed class PolicySession : IPolicySession
{
    private readonly OnnxModel _session;
    private readonly PolicyRunner _runner;
    private readonly Pcg64 _rng;
    private readonly double[] _noise; // one standard normal per action dimension, reused every step
    private readonly int _obsSize;
    private readonly int _actSize;
    private readonly bool _discrete;

    private PolicySession(OnnxModel session, PolicyRunner runner, ContractReport report, PlantDescription plant, PolicySessionOptions options)
    {
        _session = session;
        _runner = runner;
        Report = report;
        Exploring = options.Mode == PolicyMode.Explore;
        _rng = new Pcg64(options.Seed);
        _obsSize = plant.ObservationSpace.FlatSize;
        _discrete = plant.ActionSpace.Kind == SpaceKind.Discrete;
        _actSize = plant.ActionSpace.Size;
        _noise = new double[_discrete ? 0 : _actSize];
        ActionSpace = plant.ActionSpace;
    }

    public static PolicySession Open(string modelPath, PlantDescription plant, PolicySessionOptions? options = null)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"Model file not found: {Path.GetFullPath(modelPath)}", modelPath);
        return Open(File.ReadAllBytes(modelPath), plant, options, Path.GetFileName(modelPath));
    }

    public static PolicySession Open(byte[] model, PlantDescription plant, PolicySessionOptions? options = null, string modelName = "(bytes)")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plant);
        options ??= new PolicySessionOptions();
        options.Validate();
        string sha = Convert.ToHexStringLower(SHA256.HashData(model));
        var session = new OnnxModel(model, options.Session);
        try
        {
            bool explore = options.Mode == PolicyMode.Explore;
            ContractReport report = PolicyContractChecker.Check(session, sha, plant, explore, options.AllowOtherEnv);
            if (report.HasErrors && !options.IgnoreContractErrors) throw new PolicyContractException(modelName, report);
            bool discrete = plant.ActionSpace.Kind == SpaceKind.Discrete;
            var runner = new PolicyRunner(session, batch: 1, plant.ObservationSpace.FlatSize, plant.ActionSpace.Size, discrete, withDistribution: explore);
            return new PolicySession(session, runner, report, plant, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public ContractReport Report { get; }
    public PolicyModelInfo Model => Report.Model;
    public bool Exploring { get; }
    public SpaceSpec ActionSpace { get; }
    public OnnxModel OnnxModel => _session;

    /// <summary>The exploration generator's state, to save and resume a stream.</summary>
    public Pcg64 Generator => _rng;

    public double Act(ReadOnlySpan<float> observation, Span<float> action)
    {
        if (observation.Length != _obsSize)
            throw new ArgumentException($"Observation has {observation.Length} values; the policy takes {_obsSize}.", nameof(observation));
        int flat = _discrete ? 1 : _actSize;
        if (action.Length != flat)
            throw new ArgumentException($"Action span has {action.Length} values; the policy writes {flat}.", nameof(action));

        observation.CopyTo(_runner.Observations);
        _runner.Run();

        if (_discrete)
        {
            if (!Exploring)
            {
                action[0] = _runner.DiscreteAction[0];
                return double.NaN;
            }
            ReadOnlySpan<float> logits = _runner.Logits;
            if (!AllFinite(logits)) return Poison(action);
            int a = Categorical.Sample(logits, _rng.NextDouble());
            action[0] = a;
            return Categorical.LogProb(logits, a);
        }

        if (!Exploring)
        {
            _runner.Action.CopyTo(action);
            return double.NaN;
        }
        ReadOnlySpan<float> mean = _runner.ActionMean;
        ReadOnlySpan<float> logStd = _runner.ActionLogStd;
        if (!AllFinite(mean) || !AllFinite(logStd)) return Poison(action);
        _rng.FillGaussian(_noise);
        DiagGaussian.Sample(mean, logStd, _noise, action);
        // Log-prob of the unclipped sample: the safety layer clamps what the plant receives, but the
        // trainer's ratio π_new(a)/π_old(a) is over the Gaussian's own sample.
        return DiagGaussian.LogProb(mean, logStd, action);
    }

    public void Dispose()
    {
        _runner.Dispose();
        _session.Dispose();
    }

    private static bool AllFinite(ReadOnlySpan<float> v)
    {
        foreach (float x in v)
            if (!float.IsFinite(x)) return false;
        return true;
    }

    private static double Poison(Span<float> action)
    {
        action.Fill(float.NaN);
        return double.NaN;
    }
}
