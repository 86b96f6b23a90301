using TrpoEdge.Sim.Random;
using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Policies;

/// <summary>π(a|s) = softmax(logits_θ(s))_a for Discrete actions. The Fisher metric in logit coordinates is
/// diag(p) − ppᵀ.</summary>
public sealed class CategoricalMlpPolicy : MlpPolicy
{
    public CategoricalMlpPolicy(Mlp network, int observationSize, int actionCount)
        : base(network, observationSize, actionCount, 1, 0)
    {
    }

    public override Span<float> Head => Span<float>.Empty;

    public override void LogProb(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, int batch, Span<double> logProb)
    {
        int k = OutputSize;
        for (int i = 0; i < batch; i++)
        {
            ReadOnlySpan<float> row = outputs.Slice(i * k, k);
            logProb[i] = row[ActionIndex(actions[i])] - LogSumExp(row);
        }
    }

    protected override void OutputGradient(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, ReadOnlySpan<float> coefficients, int batch, Span<float> dOutputs, Span<float> headGradient)
    {
        int k = OutputSize;
        Span<double> p = stackalloc double[k];
        for (int i = 0; i < batch; i++)
        {
            Softmax(outputs.Slice(i * k, k), p);
            int a = ActionIndex(actions[i]);
            double c = coefficients[i];
            for (int j = 0; j < k; j++) dOutputs[i * k + j] = (float)(c * ((j == a ? 1.0 : 0.0) - p[j])); // ∂ log softmax_a / ∂z = e_a − p
        }
    }

    protected override void ApplyFisherMetric(ReadOnlySpan<float> outputs, int batch, Span<float> u, float scale)
    {
        int k = OutputSize;
        Span<double> p = stackalloc double[k];
        for (int i = 0; i < batch; i++)
        {
            Softmax(outputs.Slice(i * k, k), p);
            Span<float> ui = u.Slice(i * k, k);
            double pu = 0;
            for (int j = 0; j < k; j++) pu += p[j] * ui[j];
            for (int j = 0; j < k; j++) ui[j] = (float)(scale * p[j] * (ui[j] - pu)); // (diag p − ppᵀ) u
        }
    }

    protected override void HeadFisherProduct(ReadOnlySpan<float> vHead, Span<float> result)
    {
    }

    public override double MeanKl(ReadOnlySpan<float> oldOutputs, ReadOnlySpan<float> oldHead, ReadOnlySpan<float> newOutputs, int batch)
    {
        int k = OutputSize;
        double sum = 0;
        for (int i = 0; i < batch; i++)
        {
            ReadOnlySpan<float> z0 = oldOutputs.Slice(i * k, k), z1 = newOutputs.Slice(i * k, k);
            double lse0 = LogSumExp(z0), lse1 = LogSumExp(z1);
            for (int j = 0; j < k; j++)
            {
                double logP0 = z0[j] - lse0;
                sum += Math.Exp(logP0) * (logP0 - (z1[j] - lse1));
            }
        }
        return sum / batch;
    }

    protected override void KlOutputGradient(ReadOnlySpan<float> oldOutputs, ReadOnlySpan<float> oldHead, ReadOnlySpan<float> outputs, int batch, Span<float> dOutputs, Span<float> headGradient)
    {
        // KL = Σ_j p0_j (log p0_j − z1_j + lse(z1)):  ∂/∂z1_j = p1_j − p0_j, averaged over the batch.
        int k = OutputSize;
        Span<double> p0 = stackalloc double[k];
        Span<double> p1 = stackalloc double[k];
        for (int i = 0; i < batch; i++)
        {
            Softmax(oldOutputs.Slice(i * k, k), p0);
            Softmax(outputs.Slice(i * k, k), p1);
            for (int j = 0; j < k; j++) dOutputs[i * k + j] = (float)((p1[j] - p0[j]) / batch);
        }
    }

    public override double MeanEntropy(ReadOnlySpan<float> outputs, int batch)
    {
        int k = OutputSize;
        double sum = 0;
        for (int i = 0; i < batch; i++)
        {
            ReadOnlySpan<float> z = outputs.Slice(i * k, k);
            double lse = LogSumExp(z);
            for (int j = 0; j < k; j++)
            {
                double logP = z[j] - lse;
                sum -= Math.Exp(logP) * logP;
            }
        }
        return sum / batch;
    }

    public override double Sample(ReadOnlySpan<float> outputRow, Pcg64 rng, Span<float> action)
    {
        int k = OutputSize;
        ReadOnlySpan<float> z = outputRow[..k];
        double lse = LogSumExp(z);
        double u = rng.NextDouble(), cumulative = 0;
        int chosen = k - 1;
        for (int j = 0; j < k; j++)
        {
            cumulative += Math.Exp(z[j] - lse);
            if (u < cumulative) { chosen = j; break; }
        }
        action[0] = chosen;
        return z[chosen] - lse;
    }

    public override void Deterministic(ReadOnlySpan<float> outputRow, Span<float> action)
    {
        int best = 0;
        for (int j = 1; j < OutputSize; j++) if (outputRow[j] > outputRow[best]) best = j;
        action[0] = best;
    }

    public override void ToEnvironmentAction(ReadOnlySpan<float> action, Span<float> environmentAction) => environmentAction[0] = action[0];

    private int ActionIndex(float a)
    {
        int index = (int)a;
        if (index != a || index < 0 || index >= OutputSize)
            throw new ArgumentOutOfRangeException(nameof(a), a, $"A discrete action must be an integer in [0, {OutputSize}).");
        return index;
    }

    private static double LogSumExp(ReadOnlySpan<float> z)
    {
        double max = double.NegativeInfinity;
        foreach (float v in z) if (v > max) max = v;
        double s = 0;
        foreach (float v in z) s += Math.Exp(v - max);
        return max + Math.Log(s);
    }

    private static void Softmax(ReadOnlySpan<float> z, Span<double> p)
    {
        double lse = LogSumExp(z);
        for (int j = 0; j < z.Length; j++) p[j] = Math.Exp(z[j] - lse);
    }
}
