using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>The trust region around the policies that logged the field data: for every acting (behaviour) policy μ
/// of the batch, the mean over its logged states of KL(μ(·|s) ‖ π_θ(·|s)) must stay at or below a bound, across all
/// updates of a retrain — not only each update's KL to the previous iterate, whose sum can drift far from the data.
/// <para>For the checkpoint's own policy (on-policy data) μ is known exactly — it is the policy the retrain starts
/// from — and the KL is computed in closed form. For an ancestor only its log-probabilities of the logged actions are
/// known; its KL is the unbiased, non-negative sample estimate E_{a~μ}[(ρ − 1) − log ρ], ρ = π_θ(a|s)/μ(a|s)
/// (the actions were drawn from μ, so the logged steps are exactly the samples this expectation needs).</para></summary>
public sealed class BehaviourTrustRegion
{
    private readonly MlpPolicy _policy;
    private readonly FieldBatch _field;
    private readonly float[] _startOutputs;
    private readonly float[] _startHead;
    private readonly double[] _groupKl;

    /// <param name="field">Its <see cref="FieldBatch.Observations"/> already normalised.</param>
    /// <param name="bound">The largest mean KL allowed for any acting policy.</param>
    public BehaviourTrustRegion(MlpPolicy policy, FieldBatch field, double bound)
    {
        _policy = policy;
        _field = field;
        Bound = bound;
        _startOutputs = new float[field.Count * policy.OutputSize];
        policy.Forward(field.Observations, field.Count, _startOutputs);
        _startHead = policy.Head.ToArray();
        _groupKl = new double[field.Groups.Count];
    }

    public double Bound { get; }

    /// <summary>Mean KL per acting policy (index as <see cref="FieldBatch.Groups"/>) of the last <see cref="MaxKl"/> call.</summary>
    public IReadOnlyList<double> GroupKl => _groupKl;

    /// <summary>The largest per-acting-policy mean KL(μ ‖ π) for the policy π whose distribution parameters on the
    /// field rows are <paramref name="outputs"/> and whose log-probabilities of the logged actions are
    /// <paramref name="logProb"/> (the policy's head must be π's: call while π's parameters are set).</summary>
    public double MaxKl(ReadOnlySpan<float> outputs, ReadOnlySpan<double> logProb)
    {
        Array.Clear(_groupKl);
        int o = _policy.OutputSize;
        for (int e = 0; e < _field.Episodes; e++)
        {
            int g = _field.EpisodeGroups[e];
            int start = _field.EpisodeStarts[e], n = _field.EpisodeEnd(e) - start;
            if (_field.Groups[g].IsCheckpoint)
            {
                _groupKl[g] += n * _policy.MeanKl(_startOutputs.AsSpan(start * o, n * o), _startHead, outputs.Slice(start * o, n * o), n);
                continue;
            }
            for (int t = start; t < start + n; t++)
            {
                double logRatio = logProb[t] - _field.BehaviourLogProb[t];
                _groupKl[g] += Math.Exp(logRatio) - 1.0 - logRatio;
            }
        }
        double max = 0;
        bool nan = false;
        for (int g = 0; g < _groupKl.Length; g++)
        {
            _groupKl[g] /= Math.Max(1, _field.Groups[g].Steps);
            if (double.IsNaN(_groupKl[g])) nan = true;
            else max = Math.Max(max, _groupKl[g]);
        }
        return nan ? double.NaN : max; // a NaN KL is never within the bound
    }

    /// <summary>True when every acting policy's mean KL is within the bound.</summary>
    public bool Allows(ReadOnlySpan<float> outputs, ReadOnlySpan<double> logProb) => MaxKl(outputs, logProb) <= Bound;
}
