using TrpoEdge.Sim.Random;
using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Policies;

/// <summary>π(a|s) = N(μ_θ(s), diag(σ²)) with a state-independent log σ (the paper's and SB3's choice for Box
/// actions). The Fisher metric in (μ, log σ) coordinates is diag(1/σ²) for the mean and 2 for each log σ.</summary>
public sealed class GaussianMlpPolicy : MlpPolicy
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    private readonly float[] _logStd;
    private readonly float[] _low;
    private readonly float[] _high;

    public GaussianMlpPolicy(Mlp network, int observationSize, float[] low, float[] high, double logStdInit)
        : base(network, observationSize, low.Length, low.Length, low.Length)
    {
        _low = (float[])low.Clone();
        _high = (float[])high.Clone();
        _logStd = new float[low.Length];
        Array.Fill(_logStd, (float)logStdInit);
    }

    public override Span<float> Head => _logStd;
    public ReadOnlySpan<float> Low => _low;
    public ReadOnlySpan<float> High => _high;

    public override void LogProb(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, int batch, Span<double> logProb)
    {
        int d = OutputSize;
        double constant = 0;
        for (int j = 0; j < d; j++) constant -= _logStd[j] + HalfLog2Pi;
        for (int i = 0; i < batch; i++)
        {
            double s = constant;
            for (int j = 0; j < d; j++)
            {
                double z = (actions[i * d + j] - (double)outputs[i * d + j]) / Math.Exp(_logStd[j]);
                s -= 0.5 * z * z;
            }
            logProb[i] = s;
        }
    }

    protected override void OutputGradient(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, ReadOnlySpan<float> coefficients, int batch, Span<float> dOutputs, Span<float> headGradient)
    {
        int d = OutputSize;
        Span<double> head = stackalloc double[d];
        Span<double> invVar = stackalloc double[d];
        for (int j = 0; j < d; j++) invVar[j] = Math.Exp(-2.0 * _logStd[j]);
        for (int i = 0; i < batch; i++)
        {
            double c = coefficients[i];
            for (int j = 0; j < d; j++)
            {
                double diff = actions[i * d + j] - (double)outputs[i * d + j];
                dOutputs[i * d + j] = (float)(c * diff * invVar[j]);      // ∂ log π / ∂μ = (a − μ)/σ²
                head[j] += c * (diff * diff * invVar[j] - 1.0);            // ∂ log π / ∂ log σ = ((a − μ)/σ)² − 1
            }
        }
        for (int j = 0; j < d; j++) headGradient[j] = (float)head[j];
    }

    protected override void ApplyFisherMetric(ReadOnlySpan<float> outputs, int batch, Span<float> u, float scale)
    {
        int d = OutputSize;
        Span<float> w = stackalloc float[d];
        for (int j = 0; j < d; j++) w[j] = (float)(scale * Math.Exp(-2.0 * _logStd[j]));
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < d; j++) u[i * d + j] *= w[j];
    }

    protected override void HeadFisherProduct(ReadOnlySpan<float> vHead, Span<float> result)
    {
        for (int j = 0; j < vHead.Length; j++) result[j] = 2f * vHead[j];
    }

    public override double MeanKl(ReadOnlySpan<float> oldOutputs, ReadOnlySpan<float> oldHead, ReadOnlySpan<float> newOutputs, int batch)
    {
        // KL(N0 ‖ N1) = Σ_j [log σ1 − log σ0 + (σ0² + (μ0 − μ1)²) / (2σ1²) − ½]
        int d = OutputSize;
        double constant = 0;
        Span<double> inv2Var1 = stackalloc double[d];
        for (int j = 0; j < d; j++)
        {
            double var0 = Math.Exp(2.0 * oldHead[j]);
            inv2Var1[j] = 0.5 * Math.Exp(-2.0 * _logStd[j]);
            constant += _logStd[j] - oldHead[j] + var0 * inv2Var1[j] - 0.5;
        }
        double sum = 0;
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < d; j++)
            {
                double dm = oldOutputs[i * d + j] - (double)newOutputs[i * d + j];
                sum += dm * dm * inv2Var1[j];
            }
        return constant + sum / batch;
    }

    protected override void KlOutputGradient(ReadOnlySpan<float> oldOutputs, ReadOnlySpan<float> oldHead, ReadOnlySpan<float> outputs, int batch, Span<float> dOutputs, Span<float> headGradient)
    {
        // KL_j = log σ1 − log σ0 + (σ0² + (μ0 − μ1)²)/(2σ1²) − ½:  ∂/∂μ1 = (μ1 − μ0)/σ1²,
        // ∂/∂log σ1 = 1 − (σ0² + (μ0 − μ1)²)/σ1², each averaged over the batch.
        int d = OutputSize;
        Span<double> meanSquare = stackalloc double[d];
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < d; j++)
            {
                double diff = outputs[i * d + j] - (double)oldOutputs[i * d + j];
                dOutputs[i * d + j] = (float)(diff * Math.Exp(-2.0 * _logStd[j]) / batch);
                meanSquare[j] += diff * diff / batch;
            }
        for (int j = 0; j < d; j++)
            headGradient[j] = (float)(1.0 - (Math.Exp(2.0 * oldHead[j]) + meanSquare[j]) * Math.Exp(-2.0 * _logStd[j]));
    }

    public override double MeanEntropy(ReadOnlySpan<float> outputs, int batch)
    {
        double h = 0;
        for (int j = 0; j < OutputSize; j++) h += _logStd[j] + HalfLog2Pi + 0.5;
        return h;
    }

    public override double Sample(ReadOnlySpan<float> outputRow, Pcg64 rng, Span<float> action)
    {
        double logProb = 0;
        for (int j = 0; j < OutputSize; j++)
        {
            double eps = rng.NextGaussian();
            action[j] = (float)(outputRow[j] + Math.Exp(_logStd[j]) * eps);
            double z = (action[j] - (double)outputRow[j]) / Math.Exp(_logStd[j]); // of the float32 action actually taken
            logProb -= 0.5 * z * z + _logStd[j] + HalfLog2Pi;
        }
        return logProb;
    }

    public override void Deterministic(ReadOnlySpan<float> outputRow, Span<float> action) => outputRow[..OutputSize].CopyTo(action);

    public override void ToEnvironmentAction(ReadOnlySpan<float> action, Span<float> environmentAction)
    {
        for (int j = 0; j < OutputSize; j++) environmentAction[j] = Math.Clamp(action[j], _low[j], _high[j]);
    }
}
