namespace TrpoEdge.Trainer.Normalization;

/// <summary>Reward scaling as RL Zoo's <c>normalize: true</c> applies it (Stable-Baselines3's VecNormalize with
/// norm_reward): each env keeps a discounted running return R ← γR + r; the running variance of those returns
/// (all envs of a step as one batch, parallel-variance update, count starting at 1e-4) divides every reward,
/// r / sqrt(var + 1e-8), clipped to ±<c>clip</c>; an env's R restarts at 0 when its episode ends. Only the
/// learner sees scaled rewards: reported returns stay raw. Large, sparse rewards (LunarLander's ±100) otherwise
/// give the critic targets in the hundreds.</summary>
public sealed class RewardScaler
{
    private readonly double[] _returns;
    private readonly double _gamma, _clip;
    private double _mean, _var = 1.0, _count = 1e-4;

    public RewardScaler(int envs, double gamma, double clip = 10.0)
    {
        if (envs < 1) throw new ArgumentOutOfRangeException(nameof(envs), envs, "A reward scaler needs at least one environment.");
        if (!(gamma > 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must lie in (0, 1].");
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "The reward clip must be positive, e.g. 10.");
        _returns = new double[envs];
        _gamma = gamma;
        _clip = clip;
    }

    /// <summary>The running variance of the discounted returns.</summary>
    public double Variance => _var;

    /// <summary>Scales one vector step's rewards in place: updates the returns and their statistics with this step
    /// first, then divides (VecNormalize's order), then restarts the returns of envs whose episode ended.</summary>
    public void Scale(Span<double> rewards, ReadOnlySpan<bool> ended)
    {
        int n = _returns.Length;
        if (rewards.Length != n || ended.Length != n)
            throw new ArgumentException($"The scaler tracks {n} envs; got {rewards.Length} rewards and {ended.Length} flags.");
        double batchMean = 0;
        for (int k = 0; k < n; k++)
        {
            _returns[k] = _returns[k] * _gamma + rewards[k];
            batchMean += _returns[k];
        }
        batchMean /= n;
        double batchVar = 0;
        for (int k = 0; k < n; k++) batchVar += (_returns[k] - batchMean) * (_returns[k] - batchMean);
        batchVar /= n;
        // Chan et al.'s parallel update, as RunningMeanStd.update_from_moments.
        double delta = batchMean - _mean, total = _count + n;
        double m2 = _var * _count + batchVar * n + delta * delta * _count * n / total;
        _mean += delta * n / total;
        _var = m2 / total;
        _count = total;
        double scale = Math.Sqrt(_var + 1e-8);
        for (int k = 0; k < n; k++)
        {
            rewards[k] = Math.Clamp(rewards[k] / scale, -_clip, _clip);
            if (ended[k]) _returns[k] = 0;
        }
    }
}
