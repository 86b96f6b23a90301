using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Rollouts;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Field steps followed by optional simulated steps, with advantages standardised jointly.</summary>
public sealed class MergedBatch
{
    private MergedBatch(int count, int observationSize, int actionSize)
    {
        Count = count;
        Observations = new float[count * observationSize];
        Actions = new float[count * actionSize];
        BehaviourLogProb = new double[count];
        Advantages = new float[count];
        Returns = new float[count];
    }

    public int Count { get; }
    public float[] Observations { get; }
    public float[] Actions { get; }
    public double[] BehaviourLogProb { get; }
    public float[] Advantages { get; }
    public float[] Returns { get; }

    public PolicyBatch AsPolicyBatch() => new(Observations, Actions, BehaviourLogProb, Advantages, Count);

    public static MergedBatch Build(FieldBatch field, RolloutBuffer? sim, bool normalizeAdvantage)
    {
        int d = field.ObservationSize, a = field.ActionSize;
        int n = field.Count + (sim?.Count ?? 0);
        var b = new MergedBatch(n, d, a);
        field.Observations.CopyTo(b.Observations, 0);
        field.Actions.CopyTo(b.Actions, 0);
        field.BehaviourLogProb.CopyTo(b.BehaviourLogProb, 0);
        field.Advantages.CopyTo(b.Advantages, 0);
        field.Returns.CopyTo(b.Returns, 0);
        if (sim is not null)
        {
            int o = field.Count;
            sim.Observations.CopyTo(b.Observations, o * d);
            sim.Actions.CopyTo(b.Actions, o * a);
            sim.BehaviourLogProb.CopyTo(b.BehaviourLogProb, o);
            sim.Advantages.CopyTo(b.Advantages, o);
            sim.Returns.CopyTo(b.Returns, o);
        }
        if (normalizeAdvantage) Statistics.Standardize(b.Advantages);
        return b;
    }
}
