using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Engines;

/// <summary>The managed engine behind <see cref="IValueEngine"/>: the host critic <see cref="Mlp"/> itself, its
/// parameter array wrapped as <see cref="Parameters"/> (one copy of φ; the sync calls do nothing). Buffers grow to the
/// largest set and minibatch and are reused.</summary>
public sealed class ManagedValueEngine : IValueEngine
{
    /// <summary>Rows per forward pass in <see cref="Predict"/>, so the network's activation cache stays bounded.</summary>
    public const int PredictChunk = 4096;

    private readonly Mlp _net;
    private readonly ManagedVectorSpace _vectors;
    private readonly ManagedVector _parameters;
    private float[] _observations = [], _targets = [], _miniObservations = [], _miniPredictions = [], _dy = [];
    private int _count;

    public ManagedValueEngine(Mlp network)
    {
        if (network.OutputSize != 1)
            throw new ArgumentException($"A value network has one output; this one has {network.OutputSize}.", nameof(network));
        _net = network;
        _vectors = new ManagedVectorSpace(network.ParameterCount);
        _parameters = _vectors.Wrap(network.ParameterArray);
    }

    public string Name => "managed";

    public int ParameterCount => _net.ParameterCount;

    public IVectorAlgebra Vectors => _vectors;

    public EngineVector Parameters => _parameters;

    public void Predict(ReadOnlySpan<float> observations, int count, Span<float> values)
    {
        int d = _net.InputSize;
        for (int start = 0; start < count; start += PredictChunk)
        {
            int n = Math.Min(PredictChunk, count - start);
            _net.Forward(observations.Slice(start * d, n * d), n, values.Slice(start, n));
        }
    }

    public void StageRegression(ReadOnlySpan<float> observations, ReadOnlySpan<float> targets, int count)
    {
        int d = _net.InputSize;
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A regression set needs at least one row.");
        if (_targets.Length < count)
        {
            _observations = new float[count * d];
            _targets = new float[count];
        }
        observations[..(count * d)].CopyTo(_observations);
        targets[..count].CopyTo(_targets);
        _count = count;
    }

    public double LossGradient(ReadOnlySpan<int> rows, EngineVector gradient)
    {
        if (_count == 0) throw new InvalidOperationException("No regression set staged: call StageRegression first.");
        int b = rows.Length, d = _net.InputSize;
        if (b < 1) throw new ArgumentException("A minibatch needs at least one row.", nameof(rows));
        if (_dy.Length < b)
        {
            _miniObservations = new float[b * d];
            _miniPredictions = new float[b];
            _dy = new float[b];
        }
        for (int r = 0; r < b; r++)
        {
            int row = rows[r];
            if ((uint)row >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row {row} is outside the staged set of {_count}.");
            _observations.AsSpan(row * d, d).CopyTo(_miniObservations.AsSpan(r * d, d));
        }
        _net.Forward(_miniObservations.AsSpan(0, b * d), b, _miniPredictions.AsSpan(0, b));
        double sq = 0;
        for (int r = 0; r < b; r++)
        {
            float e = _miniPredictions[r] - _targets[rows[r]];
            sq += (double)e * e;
            _dy[r] = e / b;
        }
        _net.Backward(_dy.AsSpan(0, b), _vectors.Of(gradient));
        return sq;
    }

    public void SyncToHost()
    {
    }

    public void SyncFromHost()
    {
    }

    public void Dispose()
    {
    }
}
