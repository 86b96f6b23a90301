namespace TrpoEdge.Sim.Tests;

/// <summary>One step from a pinned state against values printed by Golden/gen_golden.py, a plain-Python
/// transcription of Gymnasium 0.29's step functions (independent of this C# code). Tolerance: relative
/// 1e-12 on the float64 state (the reference allows 1e-9; both sides use the C library's sin/cos), exact
/// float32 observations except one ulp where a trigonometric value is rounded to float32.</summary>
public sealed class GoldenStepTests
{
    private static void Close(double expected, double actual, string what)
    {
        double tol = 1e-12 * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected:R}, got {actual:R}");
    }

    private static void CloseF(float expected, float actual, string what)
    {
        float ulp = MathF.BitIncrement(MathF.Abs(expected)) - MathF.Abs(expected);
        Assert.True(MathF.Abs(expected - actual) <= ulp, $"{what}: expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [InlineData(0.5, -0.3, 1.0f, 0.5104784576976577, 0.2095691539531523, -0.26, 0.8725108504295349f, 0.48859477043151855f, 0.20956915616989136f)]
    [InlineData(0.5, -0.3, 3.5f, 0.5179784576976576, 0.3595691539531523, -0.263, 0.8688218593597412f, 0.49512478709220886f, 0.35956916213035583f)]
    [InlineData(-2.0, 0.7, -7.0f, -2.0140986535059633, -0.2819730701192614, -4.053, -0.42892491817474365f, -0.9033401608467102f, -0.28197306394577026f)]
    [InlineData(1.2, 7.9, 2.0f, 1.6, 8.0, -7.6850000000000005, -0.029199521988630295f, 0.9995735883712769f, 8.0f)]
    [InlineData(-1.0, -7.95, -2.0f, -1.4, -8.0, -7.32425, 0.1699671447277069f, -0.9854497313499451f, -8.0f)]
    [InlineData(10.0, 1.5, 0.30000001192092896f, 10.056849208431055, 1.136984168621112, -6.8113481302498515, -0.8068054914474487f, -0.5908170938491821f, 1.13698410987854f)]
    [InlineData(-7.0, -2.5, -0.30000001192092896f, -7.151886997541362, -3.0377399508272314, -1.1389133038468005, 0.6458183526992798f, -0.7634910941123962f, -3.0377399921417236f)]
    [InlineData(3.141592653589793, 0.0, 0.0f, 3.141592653589793, 9.184850993605151e-17, -9.869604401089358, -1.0f, 1.2246468525851679e-16f, 9.184850732644269e-17f)]
    [InlineData(-9.5, 4.0, 1.7000000476837158f, -9.284431832625055, 4.311363347498914, -11.005518744710352, -0.9901676177978516f, -0.13988584280014038f, 4.311363220214844f)]
    public void Pendulum_step_from_a_pinned_state_matches_the_reference_including_torque_and_speed_clipping(
        double th, double thdot, float action, double newTh, double newThdot, double reward, float o0, float o1, float o2)
    {
        var env = new PendulumEnv();
        env.RestoreState(new EnvState("Pendulum-v1", [th, thdot, 0, 1], [1, 2, 3, 4]));
        var obs = new float[3];
        StepResult r = env.Step([action], obs);
        Close(newTh, env.Theta, "theta");
        Close(newThdot, env.ThetaDot, "thetadot");
        Close(reward, r.Reward, "reward");
        CloseF(o0, obs[0], "cos");
        CloseF(o1, obs[1], "sin");
        CloseF(o2, obs[2], "thetadot obs");
        Assert.False(r.Terminated);
        Assert.False(r.Truncated);
    }

    [Theory]
    [InlineData(0.01, -0.02, 0.03, 0.04, 1, 0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081, false)]
    [InlineData(0.01, -0.02, 0.03, 0.04, 0, 0.009600000000000001, -0.21553901710278936, 0.030799999999999998, 0.34199522377603914, false)]
    [InlineData(2.39, 1.0, 0.0, 0.0, 1, 2.41, 1.1951219512195121, 0.0, -0.2926829268292683, true)]
    [InlineData(0.0, 0.0, 0.2094, 0.1, 0, 0.0, -0.19741182908517338, 0.2114, 0.45076396761903037, true)]
    [InlineData(-2.39, -1.0, -0.1, -0.5, 0, -2.41, -1.193580523596704, -0.11, -0.2404308835510348, true)]
    public void CartPole_step_from_a_pinned_state_matches_the_reference_and_terminates_at_the_thresholds(
        double x, double xd, double t, double td, int action, double nx, double nxd, double nt, double ntd, bool terminated)
    {
        var env = new CartPoleEnv();
        env.SetState(x, xd, t, td);
        var obs = new float[4];
        StepResult r = env.Step([action], obs);
        var s = env.State;
        Close(nx, s.X, "x"); Close(nxd, s.XDot, "xdot"); Close(nt, s.Theta, "theta"); Close(ntd, s.ThetaDot, "thetadot");
        Assert.Equal(terminated, r.Terminated);
        Assert.Equal(1.0, r.Reward); // +1 on every step, the terminal one included
        Assert.Equal([(float)s.X, (float)s.XDot, (float)s.Theta, (float)s.ThetaDot], obs);
    }

    [Theory]
    [InlineData(0.1, -0.2, 0.3, -0.4, 0, 0.1544280535176176, -0.2796784625217692, 0.23102745634235644, -0.37533176739803126, false)]
    [InlineData(0.1, -0.2, 0.3, -0.4, 1, 0.14133727125464293, -0.24579623350293564, 0.10409525473601286, -0.044953761560451166, false)]
    [InlineData(0.1, -0.2, 0.3, -0.4, 2, 0.1282116312891261, -0.211840321026976, -0.023484731535001357, 0.28679521459777013, false)]
    [InlineData(3.1, 0.5, 5.0, -3.0, 2, -2.148014925649635, -0.14800908945694113, 5.4824617421721396, -3.402317903039826, true)]
    [InlineData(0.5, 1.0, 12.5, 28.0, 2, -2.192948638571525, -2.2501091782503906, -12.566370614359172, 28.274333882308138, false)]
    [InlineData(-0.5, -1.0, -12.5, -28.0, 0, 2.192948638571525, 2.2501091782503906, 12.566370614359172, -28.274333882308138, false)]
    [InlineData(3.0915926535897933, 0.0, 0.0, 0.0, 1, 3.0852368877778353, 0.0049609886329161764, -0.06499468149338039, 0.051434307849901, true)]
    public void Acrobot_rk4_step_from_a_pinned_state_matches_the_reference_with_wrapping_and_velocity_clipping(
        double t1, double t2, double d1, double d2, int action, double n1, double n2, double nd1, double nd2, bool terminated)
    {
        var env = new AcrobotEnv();
        env.SetState(t1, t2, d1, d2);
        var obs = new float[6];
        StepResult r = env.Step([action], obs);
        var s = env.State;
        Close(n1, s.Theta1, "theta1"); Close(n2, s.Theta2, "theta2"); Close(nd1, s.Dtheta1, "dtheta1"); Close(nd2, s.Dtheta2, "dtheta2");
        Assert.Equal(terminated, r.Terminated);
        Assert.Equal(terminated ? 0.0 : -1.0, r.Reward);
        CloseF((float)Math.Cos(n1), obs[0], "cos1"); CloseF((float)Math.Sin(n2), obs[3], "sin2");
        Assert.Equal((float)nd2, obs[5]);
    }

    [Theory]
    [InlineData(-0.5, 0.0, 0.5f, -0.49942684173583984, 0.0005731569835916162, -0.025, false)]
    [InlineData(-0.5, 0.01, 3.0f, -0.48867684602737427, 0.011323156766593456, -0.9, false)]
    [InlineData(-0.3, -0.01, -2.0f, -0.31305402517318726, -0.01305402535945177, -0.4, false)]
    [InlineData(-1.19, -0.02, -1.0f, -1.2000000476837158, 0.0, -0.1, false)]
    [InlineData(0.449, 0.05, 0.25f, 0.49882015585899353, 0.04982016608119011, 99.99375, true)]
    [InlineData(0.0, 0.0699, 1.0f, 0.06889999657869339, 0.06889999657869339, -0.1, false)]
    [InlineData(0.59, 0.07, 1.0f, 0.6000000238418579, 0.07000000029802322, 99.9, true)]
    public void MountainCar_step_matches_the_reference_stores_float32_and_charges_the_raw_action(
        double p, double v, float action, double np, double nv, double reward, bool terminated)
    {
        var env = new MountainCarContinuousEnv();
        env.SetState(p, v);
        var obs = new float[2];
        StepResult r = env.Step([action], obs);
        Assert.Equal(np, env.State.Position); // float32-rounded: exact
        Assert.Equal(nv, env.State.Velocity);
        Close(reward, r.Reward, "reward");
        Assert.Equal(terminated, r.Terminated);
        Assert.Equal([(float)np, (float)nv], obs);
    }
}
