using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>The output distribution's per-row formulas on the device, one thread per row: the managed
/// <c>GaussianMlpPolicy</c> and <c>CategoricalMlpPolicy</c> arithmetic (double where they use double), with the batch
/// sums left to the reductions.</summary>
internal static class PolicyKernels
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>LogProb[r] = log π(a_r|s_r); RowTerms[r] = π/π_b · Â (the surrogate's summand).</summary>
    public static void Surrogate(Index1D r, PolicyRows p)
    {
        double lp = LogProb(r, p);
        p.LogProb[r] = lp;
        p.RowTerms[r] = Math.Exp(lp - p.BehaviourLogProb[r]) * p.Advantages[r];
    }

    /// <summary>∂(Σ c_r log π(a_r|s_r))/∂outputs with c_r = (float)(ρ_r Â_r / N) into dOut; for the Gaussian the
    /// per-row log σ terms c_r((a − μ)²/σ² − 1) into RowTerms[r·K + j] (summed by a column reduction).</summary>
    public static void OutputGradient(Index1D r, PolicyRows p, ArrayView<float> dOut)
    {
        int k = p.K;
        double c = (float)(Math.Exp(p.LogProb[r] - p.BehaviourLogProb[r]) * p.Advantages[r] / p.Count);
        long row = (long)r.X * k;
        if (p.Gaussian == 1)
        {
            for (int j = 0; j < k; j++)
            {
                double invVar = Math.Exp(-2.0 * p.Theta[p.HeadOffset + j]);
                double diff = p.Actions[row + j] - (double)p.Outputs[row + j];
                dOut[row + j] = (float)(c * diff * invVar);
                p.RowTerms[row + j] = c * (diff * diff * invVar - 1.0);
            }
        }
        else
        {
            int a = (int)p.Actions[r];
            double lse = LogSumExp(p.Outputs, row, k);
            for (int j = 0; j < k; j++)
            {
                double pj = Math.Exp(p.Outputs[row + j] - lse);
                dOut[row + j] = (float)(c * ((j == a ? 1.0 : 0.0) - pj));
            }
        }
    }

    /// <summary>In place u_r ← scale·M(outputs_r)·u_r, M the Fisher metric in output coordinates: diag(1/σ²) for the
    /// Gaussian mean, diag(p) − ppᵀ for logits.</summary>
    public static void FisherMetric(Index1D r, PolicyRows p, ArrayView<float> u, float scale)
    {
        int k = p.K;
        long row = (long)r.X * k;
        if (p.Gaussian == 1)
        {
            for (int j = 0; j < k; j++)
                u[row + j] *= (float)(scale * Math.Exp(-2.0 * p.Theta[p.HeadOffset + j]));
        }
        else
        {
            double lse = LogSumExp(p.Outputs, row, k);
            double pu = 0;
            for (int j = 0; j < k; j++) pu += Math.Exp(p.Outputs[row + j] - lse) * u[row + j];
            for (int j = 0; j < k; j++) u[row + j] = (float)(scale * Math.Exp(p.Outputs[row + j] - lse) * (u[row + j] - pu));
        }
    }

    /// <summary>The head block of the Gaussian's Fisher matrix: result_j = 2·v_j on the log σ entries.</summary>
    public static void HeadFisher(Index1D j, ArrayView<float> v, ArrayView<float> result, int headOffset) =>
        result[headOffset + j] = 2f * v[headOffset + j];

    /// <summary>RowTerms[r] = KL(π_ref(·|s_r) ‖ π(·|s_r)).</summary>
    public static void Kl(Index1D r, PolicyRows p)
    {
        int k = p.K;
        long row = (long)r.X * k;
        double s = 0;
        if (p.Gaussian == 1)
        {
            for (int j = 0; j < k; j++)
            {
                double ls1 = p.Theta[p.HeadOffset + j], ls0 = p.ReferenceHead[j];
                double inv2Var1 = 0.5 * Math.Exp(-2.0 * ls1);
                double dm = p.Reference[row + j] - (double)p.Outputs[row + j];
                s += ls1 - ls0 + Math.Exp(2.0 * ls0) * inv2Var1 - 0.5 + dm * dm * inv2Var1;
            }
        }
        else
        {
            double lse0 = LogSumExp(p.Reference, row, k), lse1 = LogSumExp(p.Outputs, row, k);
            for (int j = 0; j < k; j++)
            {
                double logP0 = p.Reference[row + j] - lse0;
                s += Math.Exp(logP0) * (logP0 - (p.Outputs[row + j] - lse1));
            }
        }
        p.RowTerms[r] = s;
    }

    /// <summary>RowTerms[r] = H(π(·|s_r)).</summary>
    public static void Entropy(Index1D r, PolicyRows p)
    {
        int k = p.K;
        double h = 0;
        if (p.Gaussian == 1)
        {
            for (int j = 0; j < k; j++) h += p.Theta[p.HeadOffset + j] + HalfLog2Pi + 0.5;
        }
        else
        {
            long row = (long)r.X * k;
            double lse = LogSumExp(p.Outputs, row, k);
            for (int j = 0; j < k; j++)
            {
                double logP = p.Outputs[row + j] - lse;
                h -= Math.Exp(logP) * logP;
            }
        }
        p.RowTerms[r] = h;
    }

    /// <summary>Partial (column j, part q) of Σ_r RowTerms[r·cols + j] over r ≡ q (mod parts).</summary>
    public static void ColumnSumPartial(Index1D index, ArrayView<double> terms, ArrayView<double> partials, int rows, int cols, int parts)
    {
        int j = index % cols, q = index / cols;
        double s = 0;
        for (int r = q; r < rows; r += parts) s += terms[(long)r * cols + j];
        partials[index] = s;
    }

    /// <summary>destination[offset + j] = (float)Σ_q partials[q·cols + j].</summary>
    public static void ColumnSumFinish(Index1D j, ArrayView<double> partials, ArrayView<float> destination, int offset, int cols, int parts)
    {
        double s = 0;
        for (int q = 0; q < parts; q++) s += partials[(long)q * cols + j];
        destination[offset + j] = (float)s;
    }

    private static double LogProb(int r, PolicyRows p)
    {
        int k = p.K;
        long row = (long)r * k;
        if (p.Gaussian == 1)
        {
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                double ls = p.Theta[p.HeadOffset + j];
                double z = (p.Actions[row + j] - (double)p.Outputs[row + j]) / Math.Exp(ls);
                s -= ls + HalfLog2Pi;
                s -= 0.5 * z * z;
            }
            return s;
        }
        int a = (int)p.Actions[r];
        return p.Outputs[row + a] - LogSumExp(p.Outputs, row, k);
    }

    internal static double LogSumExp(ArrayView<float> z, long row, int k)
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < k; j++) if (z[row + j] > max) max = z[row + j];
        double s = 0;
        for (int j = 0; j < k; j++) s += Math.Exp(z[row + j] - max);
        return max + Math.Log(s);
    }
}
