using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Engines;

namespace TrpoEdge.Trainer.Algorithms;

/// <summary>The critic V_φ(s): an MLP regressed on the GAE returns with Adam in shuffled minibatches for K epochs
/// after each policy step (SB3's TRPO does the same; the paper fitted V by a trust-region regression). The epochs,
/// the shuffle and Adam's scalars live here once; the forward and backward passes and the vectors live in an
/// <see cref="IValueEngine"/> (managed by default).</summary>
public sealed class ValueFunction : IDisposable
{
    private readonly Mlp _net;
    private readonly IValueEngine _engine;
    private readonly AdamOptions _adamOptions;
    private readonly EngineVector _gradient, _firstMoment, _secondMoment;
    private int[] _order = [];
    private ValueHeadSolver? _headSolver;

    public ValueFunction(Mlp network, int observationSize, AdamOptions adam, IEngineProvider? engines = null)
    {
        if (network.InputSize != observationSize)
            throw new ArgumentException($"The value network takes {network.InputSize} inputs; observations have {observationSize}.", nameof(network));
        adam.Validate();
        _net = network;
        _adamOptions = adam;
        _engine = (engines ?? ManagedEngineProvider.Instance).CreateValueEngine(network);
        IVectorAlgebra ops = _engine.Vectors;
        _gradient = ops.CreateVector();
        _firstMoment = ops.CreateVector();
        _secondMoment = ops.CreateVector();
    }

    /// <summary>The host network: the model of record for checkpoints (current after every <see cref="Fit"/>).</summary>
    public Mlp Network => _net;

    public IValueEngine Engine => _engine;

    /// <summary>When set, <see cref="Fit"/> ends by solving the output layer in closed form with this ridge
    /// (<see cref="TrpoOptions.CriticHeadSolve"/>); null: Adam only.</summary>
    public double? HeadRidge { get; init; }

    /// <summary>Adam steps taken so far.</summary>
    public long OptimizerStep { get; private set; }

    /// <summary>V(s) for <paramref name="count"/> rows of normalised observations.</summary>
    public void Predict(ReadOnlySpan<float> observations, int count, Span<float> values) => _engine.Predict(observations, count, values);

    /// <summary>Minimises ½·mean (V(s) − target)² (gradient (V − target)/B) for the given epochs; returns the mean
    /// squared error over the last epoch's minibatches. With <see cref="HeadRidge"/> set, then solves the output layer
    /// in closed form on the whole set and returns that head's mean squared error on it.</summary>
    public double Fit(ReadOnlySpan<float> observations, ReadOnlySpan<float> targets, int count, int epochs, int batchSize, Random shuffle)
    {
        if (epochs == 0 && HeadRidge is null) return double.NaN;
        double loss = double.NaN;
        if (epochs > 0)
        {
            _engine.StageRegression(observations, targets, count);
            loss = FitStaged(count, epochs, batchSize, shuffle, allowHead: true);
        }
        if (HeadRidge is double ridge)
        {
            // The host network holds φ after FitStaged's sync; the new head goes back to the engine.
            _headSolver ??= new ValueHeadSolver(_net);
            double headLoss = _headSolver.Solve(observations, targets, count, ridge);
            _engine.SyncFromHost();
            if (double.IsFinite(headLoss)) loss = headLoss;
        }
        return loss;
    }

    /// <summary>As <see cref="Fit"/>, on the <paramref name="count"/> rows the engine already holds (an engine that
    /// collects on its device stages the regression set there; only the minibatches' row indices cross).</summary>
    public double FitStaged(int count, int epochs, int batchSize, Random shuffle) => FitStaged(count, epochs, batchSize, shuffle, allowHead: false);

    private double FitStaged(int count, int epochs, int batchSize, Random shuffle, bool allowHead)
    {
        // The closed-form head reads the regression set on the host; a set staged on a device never crosses.
        if (HeadRidge is not null && !allowHead)
            throw new NotSupportedException($"The closed-form critic head (critic_head_solve) needs the regression set on the host; the {_engine.Name} engine stages it on its device. Use --set critic_head_solve=false with this engine.");
        if (epochs == 0) return double.NaN;
        if (_order.Length < count) _order = new int[count];
        for (int i = 0; i < count; i++) _order[i] = i;
        IVectorAlgebra ops = _engine.Vectors;
        double lastEpochLoss = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            shuffle.Shuffle(_order.AsSpan(0, count));
            double loss = 0;
            int batches = 0;
            for (int start = 0; start < count; start += batchSize)
            {
                int b = Math.Min(batchSize, count - start);
                double sq = _engine.LossGradient(_order.AsSpan(start, b), _gradient);
                OptimizerStep++;
                ops.AdamStep(_engine.Parameters, _gradient, _firstMoment, _secondMoment, new AdamCoefficients(_adamOptions, OptimizerStep));
                loss += sq / b;
                batches++;
            }
            lastEpochLoss = loss / batches;
        }
        _engine.SyncToHost();
        return lastEpochLoss;
    }

    /// <summary>Adam's step count and moments, for the checkpoint.</summary>
    public AdamState ExportOptimizer()
    {
        var m = new float[_engine.ParameterCount];
        var v = new float[_engine.ParameterCount];
        _engine.Vectors.Download(_firstMoment, m);
        _engine.Vectors.Download(_secondMoment, v);
        return new AdamState(OptimizerStep, m, v);
    }

    /// <summary>Continues from a checkpoint: reads φ from the host network (already loaded) and Adam's state.</summary>
    public void Restore(AdamState? optimizer)
    {
        _engine.SyncFromHost();
        if (optimizer is null) return;
        if (optimizer.Step < 0) throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer.Step, "Adam step count cannot be negative.");
        _engine.Vectors.Upload(optimizer.M, _firstMoment);
        _engine.Vectors.Upload(optimizer.V, _secondMoment);
        OptimizerStep = optimizer.Step;
    }

    public void Dispose() => _engine.Dispose();
}
