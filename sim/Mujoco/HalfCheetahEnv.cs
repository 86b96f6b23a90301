namespace TrpoEdge.Sim;

/// <summary>Gymnasium HalfCheetah-v4 with its default arguments. Observation (17): qpos[1:] (8) then qvel (9). Action
/// (6): the motors' ctrlrange [−1, 1]. Reward: x velocity over the step (weight 1) − 0.1·‖a‖². Never terminates;
/// truncated at 1,000 steps. Reset: qpos = init_qpos + U(−0.1, 0.1), qvel = 0.1·N(0, 1) (normal deviates from
/// <see cref="Random.Pcg64.NextGaussian"/>, Box–Muller: the distribution of NumPy's ziggurat, not its bits). Frame
/// skip 5 at 10 ms: dt = 0.05 s.</summary>
public sealed class HalfCheetahEnv : MujocoEnv
{
    public const string EnvId = "HalfCheetah-v4";
    internal const double ForwardRewardWeight = 1.0, CtrlCostWeight = 0.1, ResetNoiseScale = 0.1;

    public HalfCheetahEnv() : base(EnvId, "half_cheetah.xml", frameSkip: 5, observationSize: 17) { }

    private protected override void SampleReset(ReadOnlySpan<double> initQpos, Span<double> qpos, Span<double> qvel)
    {
        for (int i = 0; i < qpos.Length; i++) qpos[i] = initQpos[i] + Rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
        for (int i = 0; i < qvel.Length; i++) qvel[i] = 0.0 + ResetNoiseScale * Rng.NextGaussian();
    }

    private protected override StepResult Outcome(double xBefore, double xAfter, ReadOnlySpan<float> action, Span<float> observation)
    {
        double xVelocity = (xAfter - xBefore) / Dt;
        double ctrlCost = CtrlCostWeight * SumOfSquares(action);
        double forward = ForwardRewardWeight * xVelocity;
        double reward = forward - ctrlCost;
        LastInfo = new MujocoStepInfo(xAfter, xVelocity, forward, 0.0, ctrlCost);
        WriteObservation(observation);
        return new StepResult(reward, false, false);
    }

    private protected override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> q = Qpos, v = Qvel;
        for (int i = 1; i < q.Length; i++) observation[i - 1] = (float)q[i];
        for (int i = 0; i < v.Length; i++) observation[q.Length - 1 + i] = (float)v[i];
    }
}
