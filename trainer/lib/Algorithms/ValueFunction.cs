using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Algorithms;

/// <summary>The critic V_φ(s): an MLP regressed on the GAE returns with Adam in shuffled minibatches for K epochs
/// after each policy step (SB3's TRPO does the same; the paper fitted V by a trust-region regression).</summary>
public sealed class ValueFunction
{
    private readonly Mlp _net;
    private readonly Adam _adam;
    private readonly int _observationSize;
    private readonly float[] _gradient;
    private float[] _miniObservations = [], _miniTargets = [], _miniPredictions = [], _dy = [];
    private int[] _order = [];

    public ValueFunction(Mlp network, int observationSize, AdamOptions adam)
    {
        _net = network;
        _observationSize = observationSize;
        _adam = new Adam(network.ParameterCount, adam);
        _gradient = new float[network.ParameterCount];
    }

    public Mlp Network => _net;
    public Adam Optimizer => _adam;

    /// <summary>V(s) for <paramref name="count"/> rows of normalised observations, in chunks so the network's
    /// cache stays at most one chunk.</summary>
    public void Predict(ReadOnlySpan<float> observations, int count, Span<float> values)
    {
        const int Chunk = 4096;
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            _net.Forward(observations.Slice(start * _observationSize, n * _observationSize), n, values.Slice(start, n));
        }
    }

    /// <summary>Minimises ½·mean (V(s) − target)² (gradient (V − target)/B) for the given epochs; returns the mean
    /// squared error over the last epoch's minibatches.</summary>
    public double Fit(ReadOnlySpan<float> observations, ReadOnlySpan<float> targets, int count, int epochs, int batchSize, Random shuffle)
    {
        if (epochs == 0) return double.NaN;
        EnsureCapacity(count, batchSize);
        for (int i = 0; i < count; i++) _order[i] = i;
        double lastEpochLoss = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            shuffle.Shuffle(_order.AsSpan(0, count));
            double loss = 0;
            int batches = 0;
            for (int start = 0; start < count; start += batchSize)
            {
                int b = Math.Min(batchSize, count - start);
                for (int r = 0; r < b; r++)
                {
                    int row = _order[start + r];
                    observations.Slice(row * _observationSize, _observationSize).CopyTo(_miniObservations.AsSpan(r * _observationSize));
                    _miniTargets[r] = targets[row];
                }
                _net.Forward(_miniObservations.AsSpan(0, b * _observationSize), b, _miniPredictions.AsSpan(0, b));
                double sq = 0;
                for (int r = 0; r < b; r++)
                {
                    float e = _miniPredictions[r] - _miniTargets[r];
                    sq += (double)e * e;
                    _dy[r] = e / b;
                }
                _net.Backward(_dy.AsSpan(0, b), _gradient);
                _adam.Update(_net.Parameters, _gradient);
                loss += sq / b;
                batches++;
            }
            lastEpochLoss = loss / batches;
        }
        return lastEpochLoss;
    }

    private void EnsureCapacity(int count, int batchSize)
    {
        if (_order.Length < count) _order = new int[count];
        if (_miniTargets.Length < batchSize)
        {
            _miniObservations = new float[batchSize * _observationSize];
            _miniTargets = new float[batchSize];
            _miniPredictions = new float[batchSize];
            _dy = new float[batchSize];
        }
    }
}
