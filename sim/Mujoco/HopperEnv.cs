namespace TrpoEdge.Sim;

/// <summary>Gymnasium Hopper-v4 with its default arguments. Observation (11): qpos[1:] (z, torso angle, thigh, leg,
/// foot) then qvel (6) clipped to ±10. Action (3): the motors' ctrlrange [−1, 1]. Reward: x velocity over the step
/// (weight 1) + 1 for being healthy − 10⁻³·‖a‖². Terminates when unhealthy: healthy means every entry of
/// <c>state_vector()[2:]</c> inside (−100, 100), z in (0.7, ∞) and the torso angle in (−0.2, 0.2). Reset noise
/// U(−0.005, 0.005) on every qpos then every qvel. Frame skip 4 at 2 ms: dt = 0.008 s.</summary>
public sealed class HopperEnv : MujocoEnv
{
    public const string EnvId = "Hopper-v4";
    internal const double ForwardRewardWeight = 1.0, CtrlCostWeight = 1e-3, HealthyRewardValue = 1.0;
    internal const double StateLow = -100.0, StateHigh = 100.0, ZLow = 0.7, ZHigh = double.PositiveInfinity;
    internal const double AngleLow = -0.2, AngleHigh = 0.2, ResetNoiseScale = 5e-3, VelocityClip = 10.0;

    public HopperEnv() : base(EnvId, "hopper.xml", frameSkip: 4, observationSize: 11) { }

    /// <summary>Gymnasium's <c>is_healthy</c> for the current state.</summary>
    public bool IsHealthy
    {
        get
        {
            ReadOnlySpan<double> q = Qpos, v = Qvel;
            double z = q[1], angle = q[2];
            for (int i = 2; i < q.Length; i++)
                if (!(StateLow < q[i] && q[i] < StateHigh)) return false;
            for (int i = 0; i < v.Length; i++)
                if (!(StateLow < v[i] && v[i] < StateHigh)) return false;
            return ZLow < z && z < ZHigh && AngleLow < angle && angle < AngleHigh;
        }
    }

    private protected override void SampleReset(ReadOnlySpan<double> initQpos, Span<double> qpos, Span<double> qvel)
    {
        // qpos = init_qpos + uniform(-s, s, nq); qvel = init_qvel (zeros) + uniform(-s, s, nv), drawn in that order.
        for (int i = 0; i < qpos.Length; i++) qpos[i] = initQpos[i] + Rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
        for (int i = 0; i < qvel.Length; i++) qvel[i] = 0.0 + Rng.Uniform(-ResetNoiseScale, ResetNoiseScale);
    }

    private protected override StepResult Outcome(double xBefore, double xAfter, ReadOnlySpan<float> action, Span<float> observation)
    {
        double xVelocity = (xAfter - xBefore) / Dt;
        double ctrlCost = CtrlCostWeight * SumOfSquares(action);
        double forward = ForwardRewardWeight * xVelocity;
        bool healthy = IsHealthy;
        // healthy_reward = float(is_healthy or terminate_when_unhealthy) * 1.0: with termination on, always 1.
        double healthyReward = HealthyRewardValue;
        double reward = forward + healthyReward - ctrlCost;
        LastInfo = new MujocoStepInfo(xAfter, xVelocity, forward, healthyReward, ctrlCost);
        WriteObservation(observation);
        return new StepResult(reward, !healthy, false);
    }

    private protected override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> q = Qpos, v = Qvel;
        for (int i = 1; i < q.Length; i++) observation[i - 1] = (float)q[i];
        for (int i = 0; i < v.Length; i++) observation[q.Length - 1 + i] = (float)Math.Clamp(v[i], -VelocityClip, VelocityClip);
    }
}
