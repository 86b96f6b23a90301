namespace TrpoEdge.Trainer.Sampling;

/// <summary>How the policy step's samples are gathered (Schulman et al. 2015, §5).</summary>
public enum SamplingScheme
{
    /// <summary>§5.1: plain rollouts of the current policy; advantages by GAE. The default.</summary>
    SinglePath,

    /// <summary>§5.2: a trunk of plain rollouts, then from N of its states K short branches each, restarted from
    /// the saved simulator state with common random numbers; Q̂ is each branch's discounted return.</summary>
    Vine,
}
