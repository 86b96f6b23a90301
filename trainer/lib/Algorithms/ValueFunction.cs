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
    /// in closed form on the whole set (<see cref="SolveHead"/>) and returns that head's mean squared error on it.</summary>
    public double Fit(ReadOnlySpan<float> observations, ReadOnlySpan<float> targets, int count, int epochs, int batchSize, Random shuffle)
    {
        double loss = double.NaN;
        if (epochs > 0)
        {
            _engine.StageRegression(observations, targets, count);
            loss = FitStaged(count, epochs, batchSize, shuffle);
        }
        if (HeadRidge is not null)
        {
            double headLoss = SolveHead(observations, targets, count);
            if (double.IsFinite(headLoss)) loss = headLoss;
        }
        return loss;
    }

    /// <summary>The closed-form output layer (<see cref="ValueHeadSolver"/>, ridge <see cref="HeadRidge"/>) on these
    /// rows, computed on the host network (current after every fit) and pushed back to the engine. Returns the new
    /// head's mean squared error on the rows, or NaN (head unchanged) when the system could not be solved.</summary>
    public double SolveHead(ReadOnlySpan<float> observations, ReadOnlySpan<float> targets, int count)
    {
        double ridge = HeadRidge ?? throw new InvalidOperationException("SolveHead needs HeadRidge (critic_head_solve: true); it is not set.");
        _headSolver ??= new ValueHeadSolver(_net);
        double loss = _headSolver.Solve(observations, targets, count, ridge);
        _engine.SyncFromHost();
        return loss;
    }

    /// <summary>As <see cref="Fit"/>'s Adam epochs, on the <paramref name="count"/> rows the engine already holds (an
    /// engine that collects on its device stages the regression set there; only the minibatches' row indices cross).
    /// The closed-form head is not part of it: a caller with <see cref="HeadRidge"/> set calls <see cref="SolveHead"/>.</summary>
    public double FitStaged(int count, int epochs, int batchSize, Random shuffle)
    {
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
