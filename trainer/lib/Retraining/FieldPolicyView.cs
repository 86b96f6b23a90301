using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>The agent's current policy evaluated on the field steps: its distribution parameters, its
/// log-probabilities of the logged actions, and the importance ratios π/μ to the logged behaviour log-probabilities.
/// Buffers are allocated once; <see cref="Evaluate"/> refreshes them after each policy change.</summary>
internal sealed class FieldPolicyView
{
    private readonly Agent _agent;
    private readonly FieldBatch _field;

    public FieldPolicyView(Agent agent, FieldBatch field)
    {
        _agent = agent;
        _field = field;
        Outputs = new float[field.Count * agent.Policy.OutputSize];
        LogProb = new double[field.Count];
        Ratios = new double[field.Count];
    }

    public float[] Outputs { get; }
    public double[] LogProb { get; }
    public double[] Ratios { get; }

    public void Evaluate()
    {
        _agent.Normalizer.Normalize(_field.RawObservations, _field.Observations);
        _agent.Policy.Forward(_field.Observations, _field.Count, Outputs);
        _agent.Policy.LogProb(Outputs, _field.Actions, _field.Count, LogProb);
        for (int i = 0; i < Ratios.Length; i++) Ratios[i] = Math.Exp(LogProb[i] - _field.BehaviourLogProb[i]);
    }
}
