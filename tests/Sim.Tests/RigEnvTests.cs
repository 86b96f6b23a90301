namespace TrpoEdge.Sim.Tests;

public sealed class RigEnvTests
{
    /// <summary>The direct-drive rig with every dissipation and sensor effect removed: a bare pendulum.</summary>
    private static RigSpec Ideal(string integrator = "rk4")
    {
        var spec = TestRigs.DirectDrive
            .WithOverride("motor.back_emf_constant", 0)
            .WithOverride("friction.viscous", 0)
            .WithOverride("friction.coulomb", 0)
            .WithOverride("sensor.velocity_noise_std", 0)
            .WithOverride("sensor.encoder_counts_per_rev", 0);
        return integrator == "rk4" ? spec : RigSpec.Parse(File.ReadAllText(TestRigs.Path("direct-drive")).Replace("integrator: rk4", "integrator: " + integrator), "inline")
            .WithOverride("motor.back_emf_constant", 0).WithOverride("friction.viscous", 0).WithOverride("friction.coulomb", 0)
            .WithOverride("sensor.velocity_noise_std", 0).WithOverride("sensor.encoder_counts_per_rev", 0);
    }

    [Theory]
    [InlineData("rk4", 1e-7)]
    [InlineData("semi_implicit_euler", 2e-2)]
    public void An_undamped_unactuated_noise_free_rig_conserves_energy_within_integrator_error(string integrator, double tolerance)
    {
        var env = new RigEnv(Ideal(integrator));
        env.SetState(2.0, 0.5);
        double e0 = env.Energy, scale = Math.Abs(e0) + 5; // 5 J = m·g·c, the potential's amplitude
        var obs = new float[3];
        for (int i = 0; i < 199; i++)
        {
            env.Step([0f], obs);
            Assert.True(Math.Abs(env.Energy - e0) <= tolerance * scale, $"step {i}: energy {env.Energy} vs {e0}");
        }
    }

    [Theory]
    [InlineData("friction.viscous", 0.05)]
    [InlineData("friction.coulomb", 0.2)]
    [InlineData("motor.back_emf_constant", 0.3)]
    public void With_friction_or_back_emf_energy_decreases_every_step(string key, double value)
    {
        var env = new RigEnv(Ideal().WithOverride(key, value));
        env.SetState(2.5, 0.0);
        var obs = new float[3];
        double previous = env.Energy, first = previous;
        for (int i = 0; i < 199; i++)
        {
            env.Step([0f], obs);
            Assert.True(env.Energy <= previous + 1e-12, $"step {i}: energy rose from {previous} to {env.Energy}");
            previous = env.Energy;
        }
        Assert.True(previous < first - 0.1, "energy was not dissipated");
    }

    [Fact]
    public void The_direct_drive_motor_gives_two_newton_metres_at_standstill()
    {
        // Upright and at rest gravity exerts no torque, so θ̈ = τ/J with J = m·l²/3 = 1/3.
        var spec = Ideal().WithOverride("control.period", 1e-5).WithOverride("control.substeps", 1);
        var env = new RigEnv(spec);
        env.SetState(0, 0);
        env.Step([1f], new float[3]);
        double torque = env.ThetaDot / 1e-5 / 3.0;
        Assert.Equal(2.0, torque, 3);
    }

    [Fact]
    public void The_nominal_direct_drive_rig_tracks_pendulum_v1_closely_from_the_same_state()
    {
        // Same physics up to damping and integration: one step from a pinned state agrees to a few percent.
        var rig = new RigEnv(TestRigs.DirectDrive.WithOverride("sensor.velocity_noise_std", 0));
        var pen = new PendulumEnv();
        rig.SetState(1.0, 0.5); pen.SetState(1.0, 0.5);
        var ro = new float[3]; var po = new float[3];
        var rr = rig.Step([0.5f], ro);   // command 0.5 = 1 N·m
        var pr = pen.Step([1.0f], po);   // 1 N·m
        Assert.Equal(pr.Reward, rr.Reward, 10); // same cost on the same state and equivalent action
        // Pendulum-v1 takes one semi-implicit Euler step of 0.05 s (θ advances with the *new* θ̇), the rig ten
        // RK4 substeps: θ̇ agrees to a few percent, θ differs by about Δθ̇·dt/2 ≈ 0.02 rad.
        Assert.InRange(rig.ThetaDot, pen.ThetaDot - 0.05, pen.ThetaDot + 0.05);
        double halfStepLag = (pen.ThetaDot - 0.5) * 0.05 / 2;
        Assert.InRange(rig.Theta, pen.Theta - halfStepLag - 0.003, pen.Theta - halfStepLag + 0.003);
    }

    [Fact]
    public void A_delayed_command_acts_exactly_delay_steps_later()
    {
        var spec = Ideal().WithOverride("delay_steps", 2);
        var delayed = new RigEnv(spec);
        var immediate = new RigEnv(Ideal());
        delayed.SetState(0.3, 0); immediate.SetState(0.3, 0);
        var o = new float[3];
        float[] commands = [1f, -1f, 0.5f, 0f, 0f, 0f];
        var freeEnv = new RigEnv(Ideal()); freeEnv.SetState(0.3, 0);
        // Two free steps (the buffer starts with zeros), then the immediate rig's trajectory.
        freeEnv.Step([0f], o); freeEnv.Step([0f], o);
        delayed.Step([commands[0]], o); delayed.Step([commands[1]], o);
        Assert.Equal(freeEnv.Theta, delayed.Theta);
        immediate.SetState(freeEnv.Theta, freeEnv.ThetaDot);
        for (int i = 2; i < commands.Length; i++)
        {
            delayed.Step([commands[i]], o);
            immediate.Step([commands[i - 2]], o);
            Assert.Equal(immediate.Theta, delayed.Theta);
            Assert.Equal(immediate.ThetaDot, delayed.ThetaDot);
        }
    }

    [Fact]
    public void The_encoder_quantises_the_observed_angle_to_whole_counts()
    {
        var env = new RigEnv(Ideal().WithOverride("sensor.encoder_counts_per_rev", 64));
        var o = new float[3];
        env.Reset(3, o);
        for (int i = 0; i < 50; i++)
        {
            env.Step([0.3f], o);
            double counts = Math.Atan2(o[1], o[0]) / (2 * Math.PI / 64);
            Assert.Equal(Math.Round(counts), counts, 3);
        }
    }

    [Fact]
    public void Velocity_noise_has_the_configured_spread_and_the_true_state_is_unaffected()
    {
        var noisy = new RigEnv(Ideal().WithOverride("sensor.velocity_noise_std", 0.2));
        var clean = new RigEnv(Ideal());
        var on = new float[3]; var oc = new float[3];
        noisy.Reset(4, on); clean.Reset(4, oc);
        double sum = 0, sum2 = 0; int n = 0;
        for (int ep = 0; ep < 10; ep++)
        {
            for (int i = 0; i < 200; i++)
            {
                noisy.SetState(clean.Theta, clean.ThetaDot, clean.Elapsed);
                noisy.Step([0.1f], on); clean.Step([0.1f], oc);
                Assert.Equal(clean.ThetaDot, noisy.ThetaDot);
                double d = on[2] - oc[2]; sum += d; sum2 += d * d; n++;
            }
            clean.SetState(1, 0);
        }
        double sd = Math.Sqrt(sum2 / n - (sum / n) * (sum / n));
        Assert.InRange(sd, 0.18, 0.22);
        Assert.InRange(sum / n, -0.02, 0.02);
    }

    [Fact]
    public void Limits_terminate_an_episode_only_when_configured()
    {
        var spec = Ideal().WithOverride("limits.max_velocity", 1.0);
        Assert.Equal(1.0, spec.Limits.MaxVelocity);
        Assert.False(spec.Limits.Terminate);
        var env = new RigEnv(spec);
        env.SetState(0.1, 3.0);
        Assert.False(env.Step([0f], new float[3]).Terminated);
        var stopping = new RigEnv(spec.WithOverride("limits.terminate", 1));
        stopping.SetState(0.1, 3.0);
        Assert.True(stopping.Step([0f], new float[3]).Terminated);
    }

    [Fact]
    public void Randomised_rigs_draw_parameters_inside_the_ranges_per_episode_reproducibly_by_seed()
    {
        var spec = TestRigs.DirectDrive;
        var a = new RandomizedRigEnv(spec); var b = new RandomizedRigEnv(spec);
        var o = new float[3];
        var masses = new HashSet<double>();
        var delays = new HashSet<int>();
        a.Reset(8, o); b.Reset(8, o);
        for (int ep = 0; ep < 60; ep++)
        {
            a.Reset(null, o); b.Reset(null, o);
            Assert.Equal(a.CurrentSpec["pendulum.mass"], b.CurrentSpec["pendulum.mass"]);
            foreach (var (key, range) in spec.Randomization) Assert.InRange(a.CurrentSpec[key], range.Low, range.High);
            masses.Add(a.CurrentSpec["pendulum.mass"]);
            delays.Add(a.CurrentSpec.DelaySteps);
            // The derived inertia follows the sampled mass and length.
            Assert.Equal(a.CurrentSpec["pendulum.mass"] * Math.Pow(a.CurrentSpec["pendulum.length"], 2) / 3, a.CurrentSpec["pendulum.inertia"], 12);
        }
        Assert.True(masses.Count > 50);
        Assert.Equal([0, 1], delays.Order().ToArray());
        Assert.Equal("Rig:direct-drive", a.Id);
    }

    [Fact]
    public void The_qube_rig_loads_with_the_reference_constants()
    {
        var q = TestRigs.Qube;
        Assert.Equal(8.4, q["motor.resistance"]);
        Assert.Equal(0.042, q["motor.torque_constant"]);
        Assert.Equal(0.042, q["motor.back_emf_constant"]);
        Assert.Equal(0.024, q["pendulum.mass"]);
        Assert.Equal(0.129, q["pendulum.length"]);
        Assert.Equal(0.02, q.ControlPeriod);
        var env = new RigEnv(q);
        var o = new float[3];
        env.Reset(1, o);
        for (int i = 0; i < 500; i++) { var r = env.Step([1f], o); Assert.True(double.IsFinite(r.Reward)); }
    }
}
