namespace TrpoEdge.Trainer.Rollouts;

/// <summary>Running return and length of each environment's current episode, and a window of the most recent
/// finished episodes for rollout/ep_return_mean and rollout/ep_len_mean (SB3 uses the last 100).</summary>
public sealed class EpisodeTracker
{
    private readonly double[] _return;
    private readonly int[] _length;
    private readonly Queue<(double Return, int Length)> _recent = new();
    private readonly int _window;

    public EpisodeTracker(int envs, int window = 100)
    {
        _return = new double[envs];
        _length = new int[envs];
        _window = window;
    }

    public long EpisodesFinished { get; private set; }

    public void Record(int env, double reward, bool done)
    {
        _return[env] += reward;
        _length[env]++;
        if (!done) return;
        if (_recent.Count == _window) _recent.Dequeue();
        _recent.Enqueue((_return[env], _length[env]));
        EpisodesFinished++;
        _return[env] = 0;
        _length[env] = 0;
    }

    public double MeanReturn => _recent.Count == 0 ? double.NaN : _recent.Average(e => e.Return);
    public double MeanLength => _recent.Count == 0 ? double.NaN : _recent.Average(e => e.Length);
}
