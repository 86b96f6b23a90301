namespace TrpoEdge.Sim.Tests;

public sealed class RigIdentifierTests
{
    /// <summary>The main job's perturbed plant: 40 % heavier, a 20 % weaker motor, one period of delay.</summary>
    private static RigSpec Perturbed => TestRigs.DirectDrive
        .WithOverride("pendulum.mass", 1.4).WithOverride("motor.torque_constant", 0.08).WithOverride("delay_steps", 1);

    /// <summary>Episodes from reset with commands that change every few steps (as an exploring policy's do), logged
    /// through the rig's own sensors: encoder quantisation and velocity noise included.</summary>
    private static List<RigEpisode> Log(RigSpec plant, int episodes, ulong seed, int steps = 200)
    {
        var env = new RigEnv(plant);
        var random = new System.Random((int)seed);
        var list = new List<RigEpisode>();
        for (int e = 0; e < episodes; e++)
        {
            var obs = new float[3 * (steps + 1)];
            var commands = new float[steps];
            env.Reset(seed * 100 + (ulong)e, obs.AsSpan(0, 3));
            float u = 0;
            for (int t = 0; t < steps; t++)
            {
                if (t % 3 == 0) u = (float)(random.NextDouble() * 2.4 - 1.2); // beyond ±1 at times: the rig clamps
                commands[t] = u;
                env.Step([u], obs.AsSpan(3 * (t + 1), 3));
            }
            list.Add(new RigEpisode(obs, commands));
        }
        return list;
    }

    [Fact]
    public void Recovers_the_perturbed_plants_coefficients_and_delay_from_noisy_quantised_logs()
    {
        RigIdentification fit = RigIdentifier.Fit(TestRigs.DirectDrive, Log(Perturbed, 10, 1));

        // The plant's coefficients from its parameters (RigEnv's model; J = m·l²/3, c = l/2, km explicit 0.1).
        double j = 1.4 / 3;
        double[] truth =
        [
            1.4 * 10 * 0.5 / j,                  // G/J = 3g/(2l) = 15 whatever the mass
            0.08 * 24 / 1.2 / j,                 // T/J
            (0.08 * 0.1 / 1.2 + 0.002) / j,      // D/J: back-EMF + bearing
            0.01 / j,                            // C/J
        ];
        Assert.Equal(1, fit.DelaySteps);
        Assert.Equal(0, fit.NominalDelaySteps);
        Assert.Equal(truth[0], fit.Coefficients[0], truth[0] * 0.01);
        Assert.Equal(truth[1], fit.Coefficients[1], truth[1] * 0.01);
        for (int k = 2; k < 4; k++)
            Assert.True(Math.Abs(fit.Coefficients[k] - truth[k]) <= 4 * fit.StandardErrors[k] + 0.1 * truth[k],
                $"{RigIdentification.CoefficientNames[k]}: {fit.Coefficients[k]} ± {fit.StandardErrors[k]} against {truth[k]}");
        // The nominal rig (full-strength motor, no delay) predicts far worse than the fit; the fit is down to the
        // sensors' noise and quantisation.
        Assert.True(fit.NominalRms > 5 * fit.FittedRms, fit.Describe());
        Assert.True(fit.FittedRms < 0.05, fit.Describe());
    }

    [Fact]
    public void The_identified_rig_moves_like_the_plant_open_loop()
    {
        RigIdentification fit = RigIdentifier.Fit(TestRigs.DirectDrive, Log(Perturbed, 10, 2));
        RigSpec exact(RigSpec s) => s.WithOverride("sensor.velocity_noise_std", 0).WithOverride("sensor.encoder_counts_per_rev", 0);
        var plant = new RigEnv(exact(Perturbed));
        var model = new RigEnv(exact(fit.Spec));
        var random = new System.Random(7);
        float[] a = new float[3], b = new float[3];
        plant.Reset(5, a);
        model.Reset(5, b);
        Assert.Equal(a, b);
        for (int t = 0; t < 40; t++)
        {
            float u = (float)(random.NextDouble() * 2 - 1);
            plant.Step([u], a);
            model.Step([u], b);
            Assert.True(Math.Abs(plant.Theta - model.Theta) < 0.02 && Math.Abs(plant.ThetaDot - model.ThetaDot) < 0.05,
                $"step {t}: plant ({plant.Theta}, {plant.ThetaDot}) model ({model.Theta}, {model.ThetaDot})");
        }
        // …and the nominal rig does not (so the check above can fail).
        var nominal = new RigEnv(exact(TestRigs.DirectDrive));
        plant.Reset(5, a);
        nominal.Reset(5, b);
        double worst = 0;
        for (int t = 0; t < 40; t++)
        {
            float u = (float)(random.NextDouble() * 2 - 1);
            plant.Step([u], a);
            nominal.Step([u], b);
            worst = Math.Max(worst, Math.Abs(plant.ThetaDot - nominal.ThetaDot));
        }
        Assert.True(worst > 0.3, $"nominal rig's largest velocity error {worst}");
    }

    [Fact]
    public void The_nominal_rigs_own_logs_identify_the_nominal_rig()
    {
        RigIdentification fit = RigIdentifier.Fit(TestRigs.DirectDrive, Log(TestRigs.DirectDrive, 8, 3));
        Assert.Equal(0, fit.DelaySteps);
        for (int k = 0; k < 2; k++) Assert.Equal(fit.NominalCoefficients[k], fit.Coefficients[k], fit.NominalCoefficients[k] * 0.01);
        Assert.True(fit.FittedRms <= fit.NominalRms * 1.0001, fit.Describe());
    }

    [Fact]
    public void A_pendulum_that_never_moved_is_refused_by_name()
    {
        // Hanging at rest with the motor off: nothing in the data says how strong the motor is.
        var env = new RigEnv(TestRigs.DirectDrive.WithOverride("sensor.velocity_noise_std", 0));
        var episodes = new List<RigEpisode>();
        for (int e = 0; e < 3; e++)
        {
            var obs = new float[3 * 101];
            env.SetState(Math.PI, 0);
            obs[0] = -1; obs[1] = 0; obs[2] = 0;
            for (int t = 0; t < 100; t++) env.Step([0f], obs.AsSpan(3 * (t + 1), 3));
            episodes.Add(new RigEpisode(obs, new float[100]));
        }
        var error = Assert.Throws<ArgumentException>(() => RigIdentifier.Fit(TestRigs.DirectDrive, episodes));
        Assert.Contains("do not determine", error.Message);
    }

    [Fact]
    public void Too_few_transitions_and_non_finite_logs_are_refused()
    {
        var few = Log(Perturbed, 1, 4, steps: 20);
        Assert.Contains("too few", Assert.Throws<ArgumentException>(() => RigIdentifier.Fit(TestRigs.DirectDrive, few)).Message);
        var obs = new float[6];
        obs[2] = float.NaN;
        Assert.Contains("not finite", Assert.Throws<ArgumentException>(() => new RigEpisode(obs, [0f])).Message);
        Assert.Throws<ArgumentException>(() => new RigEpisode(new float[5], [0f]));
    }

    [Fact]
    public void A_spec_written_as_yaml_reads_back_to_the_same_rig()
    {
        RigIdentification fit = RigIdentifier.Fit(TestRigs.DirectDrive, Log(Perturbed, 4, 5));
        foreach (RigSpec spec in new[] { TestRigs.DirectDrive, fit.Spec, RigSpec.Load(TestRigs.Path("qube-servo-2")) })
        {
            string yaml = spec.ToYaml("identified from a test\nsecond line");
            Assert.StartsWith("# identified from a test\n# second line\n", yaml.ReplaceLineEndings("\n"));
            RigSpec back = RigSpec.Parse(yaml, "round-trip");
            Assert.Equal(spec.Name, back.Name);
            Assert.Equal(spec.Description, back.Description);
            Assert.Equal(spec.Integrator, back.Integrator);
            foreach (string key in RigSpec.Keys)
                Assert.True(spec[key].Equals(back[key]), $"{key}: {spec[key]} written, {back[key]} read back");
            Assert.Equal(spec.Randomization.OrderBy(p => p.Key), back.Randomization.OrderBy(p => p.Key));
        }
    }
}
