using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>The collector's per-step kernels: normalise, sample the policy, record the step; and GAE per environment.
/// The rollout is time-major (row t·E + e), so step t of every environment is one contiguous slice.</summary>
internal static class RolloutKernels
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>z = clip((x − mean)/std, −clip, clip) in float, the normaliser's (and the exported graph's) formula.</summary>
    public static void Normalize(Index1D index, ArrayView<float> raw, ArrayView<float> output, ArrayView<float> mean, ArrayView<float> std, int d, float clip)
    {
        int j = index % d;
        float z = (raw[index] - mean[j]) / std[j];
        output[index] = z < -clip ? -clip : z > clip ? clip : z;
    }

    internal struct SampleArgs
    {
        public ArrayView<float> Outputs, Theta, Actions, EnvActions, Low, High;
        public ArrayView<double> BehaviourLogProb;
        public ArrayView<ulong> Rng;
        public int K, A, HeadOffset, Gaussian;
    }

    /// <summary>Draws environment e's action from its row of distribution parameters with e's own generator and records
    /// the action (unclipped), its log-probability, and what the environment receives (clipped, or the index). Same
    /// formulas as the managed policies' Sample.</summary>
    public static void Sample(Index1D e, SampleArgs s)
    {
        var rng = DeviceRandom.Load(s.Rng, e);
        long row = (long)e.X * s.K;
        if (s.Gaussian == 1)
        {
            double logProb = 0;
            for (int j = 0; j < s.K; j++)
            {
                double ls = s.Theta[s.HeadOffset + j];
                double eps = rng.NextGaussian();
                float action = (float)(s.Outputs[row + j] + Math.Exp(ls) * eps);
                double z = (action - (double)s.Outputs[row + j]) / Math.Exp(ls);
                logProb -= 0.5 * z * z + ls + HalfLog2Pi;
                s.Actions[(long)e.X * s.A + j] = action;
                float lo = s.Low[j], hi = s.High[j];
                s.EnvActions[(long)e.X * s.A + j] = action < lo ? lo : action > hi ? hi : action;
            }
            s.BehaviourLogProb[e] = logProb;
        }
        else
        {
            double lse = PolicyKernels.LogSumExp(s.Outputs, row, s.K);
            double u = rng.NextDouble(), cumulative = 0;
            int chosen = s.K - 1;
            for (int j = 0; j < s.K; j++)
            {
                cumulative += Math.Exp(s.Outputs[row + j] - lse);
                if (u < cumulative) { chosen = j; break; }
            }
            s.Actions[e] = chosen;
            s.EnvActions[e] = chosen;
            s.BehaviourLogProb[e] = s.Outputs[row + chosen] - lse;
        }
        rng.Store(s.Rng, e);
    }

    internal struct RecordArgs
    {
        public ArrayView<double> StepRewards, Rewards, EpisodeReturn, FinishedReturn, FinishedLength, FinishedCount;
        public ArrayView<byte> StepTerminated, StepTruncated, Terminated, Ended;
        public ArrayView<float> StepFinal, FinalNormalized, Mean, Std;
        public ArrayView<int> EpisodeLength;
        public int D;
        public float Clip;
    }

    /// <summary>Copies step results into rollout row <paramref name="offset"/> + e, keeps the normalised final
    /// observation (to bootstrap a truncated episode) and the running and finished episode statistics.</summary>
    public static void Record(Index1D e, RecordArgs a, int offset)
    {
        long i = offset + (long)e.X;
        double r = a.StepRewards[e];
        bool terminated = a.StepTerminated[e] != 0, ended = terminated || a.StepTruncated[e] != 0;
        a.Rewards[i] = r;
        a.Terminated[i] = terminated ? (byte)1 : (byte)0;
        a.Ended[i] = ended ? (byte)1 : (byte)0;
        for (int j = 0; j < a.D; j++)
        {
            float z = (a.StepFinal[(long)e.X * a.D + j] - a.Mean[j]) / a.Std[j];
            a.FinalNormalized[i * a.D + j] = z < -a.Clip ? -a.Clip : z > a.Clip ? a.Clip : z;
        }
        double ret = a.EpisodeReturn[e] + r;
        int len = a.EpisodeLength[e] + 1;
        if (ended)
        {
            a.FinishedReturn[e] += ret;
            a.FinishedLength[e] += len;
            a.FinishedCount[e] += 1;
            ret = 0;
            len = 0;
        }
        a.EpisodeReturn[e] = ret;
        a.EpisodeLength[e] = len;
    }

    internal struct GaeArgs
    {
        public ArrayView<double> Rewards;
        public ArrayView<byte> Terminated, Ended;
        public ArrayView<float> Values, FinalValues, LastValues, Advantages, Returns;
        public int Envs, Steps;
        public double Gamma, Lambda;
    }

    /// <summary>GAE (Schulman et al. 2016, eq. 16) backwards over environment e's steps, the managed Gae's recursion:
    /// δ_t = r_t + γ·(terminated ? 0 : V_next) − V(s_t), Â_t = δ_t + γλ·(ended or last ? 0 : Â_{t+1}), where V_next is
    /// V(final observation) after a truncation, V(s_{t+1}) otherwise, V(last observation) at the rollout's end.</summary>
    public static void Gae(Index1D e, GaeArgs g)
    {
        double next = 0;
        int E = g.Envs;
        for (int t = g.Steps - 1; t >= 0; t--)
        {
            long i = (long)t * E + e.X;
            bool terminated = g.Terminated[i] != 0, ended = g.Ended[i] != 0;
            double nextValue = terminated ? 0.0 : ended ? g.FinalValues[i] : t + 1 < g.Steps ? g.Values[i + E] : g.LastValues[e];
            double delta = g.Rewards[i] + g.Gamma * nextValue - g.Values[i];
            double carry = ended || t == g.Steps - 1 ? 0.0 : next;
            next = delta + g.Gamma * g.Lambda * carry;
            float adv = (float)next;
            g.Advantages[i] = adv;
            g.Returns[i] = adv + g.Values[i];
        }
    }

    /// <summary>d = returns − values (for the explained variance).</summary>
    public static void Difference(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> d) => d[i] = a[i] - b[i];
}
