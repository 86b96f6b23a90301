namespace TrpoEdge.Sim;

/// <summary>Fits a rig's dynamics to logged field episodes (system identification), so a policy can be improved
/// in a simulator of the plant it will really drive.
/// <para>The rig's model (<see cref="RigEnv"/>) is J·θ̈ = G·sin θ + T·u − D·θ̇ − C·tanh(θ̇/v_s), with u the command
/// that reaches the motor <c>delay_steps</c> periods after it was sent. Only four combinations are observable from
/// angles and velocities — G/J, T/J, D/J and C/J — whatever the masses, lengths and motor constants behind them
/// (a heavier pendulum with a stronger motor moves exactly like a lighter one with a weaker motor), so those four
/// and the delay are what is fitted. The identified rig keeps the nominal inertia and writes the centre of mass,
/// torque constant, back-EMF constant, viscous and Coulomb friction that reproduce them: it moves like the plant,
/// its individual physical values need not be the plant's.</para>
/// <para>Method: for each delay from 0 to <c>maxDelay</c>, Levenberg–Marquardt on the one-period prediction error
/// — every logged transition is replayed through the rig's own integrator from the logged (θ, θ̇) with the command
/// that acted, and compared with the next logged (θ, θ̇); the delay with the smallest error wins. Standard errors
/// come from the Gauss–Newton covariance σ²·(JᵀJ)⁻¹. Sensor noise and encoder quantisation are the rig file's and
/// are left as they are: they show up in the residual, not in the fit.</para></summary>
public static class RigIdentifier
{
    /// <summary>Transitions beyond this many are subsampled evenly: the four coefficients are well determined long before.</summary>
    public const int MaxTransitions = 8_000;
    /// <summary>The fewest transitions a fit is attempted on.</summary>
    public const int MinTransitions = 50;

    private const int Parameters = 4;

    /// <summary>Fits <paramref name="nominal"/>'s dynamics to <paramref name="episodes"/>.</summary>
    /// <exception cref="ArgumentException">Too few transitions, or data that does not determine the coefficients
    /// (e.g. a pendulum that never moved); the message says which.</exception>
    public static RigIdentification Fit(RigSpec nominal, IReadOnlyList<RigEpisode> episodes, int maxDelay = 3)
    {
        ArgumentNullException.ThrowIfNull(nominal);
        ArgumentNullException.ThrowIfNull(episodes);
        if (maxDelay < 0 || maxDelay > 20) throw new ArgumentOutOfRangeException(nameof(maxDelay), maxDelay, "between 0 and 20");
        if (!(nominal["gravity"] > 0 && nominal["pendulum.mass"] > 0))
            throw new ArgumentException($"{nominal}: identification needs gravity > 0 (the gravity term is one of the fitted coefficients); gravity is {nominal["gravity"]}.");
        var data = Transitions.From(episodes, nominal.ControlPeriod);
        if (data.Count < MinTransitions)
            throw new ArgumentException($"{data.Count} logged transitions are too few to identify the rig (at least {MinTransitions}); log more field steps.");

        var map = new CoefficientMap(nominal);
        double[] start = map.Nominal;
        double nominalRms = Rms(data, map.ToSpec(start, nominal.DelaySteps), nominal.DelaySteps);
        RigIdentification? best = null;
        for (int delay = 0; delay <= maxDelay; delay++)
        {
            (double[] x, double cost, double[,] jtj) = LevenbergMarquardt(data, map, start, delay);
            double rms = Math.Sqrt(cost / (2.0 * data.Count));
            if (best is not null && rms >= best.FittedRms) continue;
            double[] se = StandardErrors(jtj, cost, 2 * data.Count - Parameters)
                ?? throw new ArgumentException($"The {data.Count} logged transitions do not determine the rig's dynamics (the fit is singular: the pendulum barely moved, or the command never changed). Log episodes in which the pendulum swings and the motor works.");
            best = new RigIdentification(map.ToSpec(x, delay), delay, x, se, map.Nominal, nominal.DelaySteps, nominalRms, rms, data.Count);
        }
        return best!;
    }

    private static double Rms(Transitions data, RigSpec spec, int delay)
    {
        var r = new double[2 * data.Count];
        Residuals(data, Predictor(spec), delay, r);
        double s = 0;
        foreach (double v in r) s += v * v;
        return Math.Sqrt(s / r.Length);
    }

    private static (double[] X, double Cost, double[,] JtJ) LevenbergMarquardt(Transitions data, CoefficientMap map, double[] start, int delay)
    {
        int m = 2 * data.Count;
        double[] x = (double[])start.Clone(), r = new double[m], trialR = new double[m];
        var jac = new double[Parameters][];
        for (int k = 0; k < Parameters; k++) jac[k] = new double[m];
        double cost = Cost(data, map, x, delay, r);
        double lambda = 1e-3;
        var jtj = new double[Parameters, Parameters];
        for (int iteration = 0; iteration < 30; iteration++)
        {
            // Forward differences: the residuals are smooth in the coefficients and cheap to recompute.
            for (int k = 0; k < Parameters; k++)
            {
                double h = 1e-6 * Math.Max(Math.Abs(x[k]), map.Scale[k]);
                double[] xk = (double[])x.Clone();
                xk[k] += h;
                Cost(data, map, xk, delay, jac[k]);
                for (int i = 0; i < m; i++) jac[k][i] = (jac[k][i] - r[i]) / h;
            }
            var jtr = new double[Parameters];
            for (int a = 0; a < Parameters; a++)
            {
                for (int b = a; b < Parameters; b++)
                {
                    double s = 0;
                    for (int i = 0; i < m; i++) s += jac[a][i] * jac[b][i];
                    jtj[a, b] = jtj[b, a] = s;
                }
                double g = 0;
                for (int i = 0; i < m; i++) g += jac[a][i] * r[i];
                jtr[a] = g;
            }
            bool improved = false;
            for (int attempt = 0; attempt < 12 && !improved; attempt++)
            {
                var damped = (double[,])jtj.Clone();
                for (int k = 0; k < Parameters; k++) damped[k, k] += lambda * Math.Max(jtj[k, k], 1e-12);
                double[]? step = Solve(damped, jtr);
                if (step is null) { lambda *= 10; continue; }
                double[] trial = new double[Parameters];
                for (int k = 0; k < Parameters; k++) trial[k] = x[k] - step[k];
                map.Clamp(trial);
                double trialCost = Cost(data, map, trial, delay, trialR);
                if (trialCost < cost)
                {
                    double gain = cost - trialCost;
                    x = trial; (r, trialR) = (trialR, r);
                    cost = trialCost;
                    lambda = Math.Max(lambda / 3, 1e-9);
                    improved = true;
                    if (gain <= 1e-7 * cost) return (x, cost, jtj);
                }
                else lambda *= 4;
            }
            if (!improved) break;
        }
        return (x, cost, jtj);
    }

    private static double Cost(Transitions data, CoefficientMap map, double[] x, int delay, double[] residuals)
    {
        Residuals(data, Predictor(map.ToSpec(x, 0)), delay, residuals);
        double s = 0;
        foreach (double v in residuals) s += v * v;
        return s;
    }

    /// <summary>The rig with exact sensing and no delay: it predicts the state one period on from a logged state
    /// and the command that acted (the delay is applied by choosing that command).</summary>
    private static RigEnv Predictor(RigSpec spec) => new(spec
        .WithOverride("delay_steps", 0)
        .WithOverride("sensor.encoder_counts_per_rev", 0)
        .WithOverride("sensor.angle_noise_std", 0)
        .WithOverride("sensor.velocity_noise_std", 0)
        .WithOverride("limits.terminate", 0));

    private static void Residuals(Transitions data, RigEnv env, int delay, double[] residuals)
    {
        Span<float> command = stackalloc float[1];
        Span<float> next = stackalloc float[3];
        double period = data.Period;
        for (int i = 0; i < data.Count; i++)
        {
            int t = data.StepInEpisode[i];
            command[0] = t >= delay ? data.Commands[data.EpisodeCommandStart[i] + t - delay] : 0f;
            env.SetState(data.Theta[i], data.ThetaDot[i]);
            env.Step(command, next);
            // The state in double precision, not the float32 observation: finite differences of the residuals in the
            // small coefficients (damping, friction) are far below float32's resolution.
            residuals[2 * i] = Wrap(env.Theta - data.NextTheta[i]) / period;
            residuals[2 * i + 1] = env.ThetaDot - data.NextThetaDot[i];
        }
    }

    /// <summary>An angle difference in [−π, π]. Not <c>PyMath.AngleNormalize</c>: that one reproduces Gymnasium's
    /// reward bit for bit; here only the residual matters, and the fitted rigs (and the main job's figures) were
    /// measured with this rounding.</summary>
    private static double Wrap(double angle) => Math.IEEERemainder(angle, 2 * Math.PI);

    private static double[]? StandardErrors(double[,] jtj, double cost, int dof)
    {
        var inverse = new double[Parameters, Parameters];
        for (int k = 0; k < Parameters; k++)
        {
            var e = new double[Parameters];
            e[k] = 1;
            double[]? column = Solve(jtj, e);
            if (column is null) return null;
            for (int i = 0; i < Parameters; i++) inverse[i, k] = column[i];
        }
        double sigma2 = cost / Math.Max(1, dof);
        var se = new double[Parameters];
        for (int k = 0; k < Parameters; k++)
        {
            if (!(inverse[k, k] > 0) || !double.IsFinite(inverse[k, k])) return null;
            se[k] = Math.Sqrt(sigma2 * inverse[k, k]);
        }
        return se;
    }

    /// <summary>Gaussian elimination with partial pivoting; null when the matrix is numerically singular.</summary>
    private static double[]? Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.Max(scale, Math.Abs(m[i, i]));
        if (!(scale > 0)) return null;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++) if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col])) pivot = row;
            if (!(Math.Abs(m[pivot, col]) > 1e-12 * scale)) return null;
            if (pivot != col)
            {
                for (int k = 0; k < n; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
                (x[col], x[pivot]) = (x[pivot], x[col]);
            }
            for (int row = col + 1; row < n; row++)
            {
                double f = m[row, col] / m[col, col];
                for (int k = col; k < n; k++) m[row, k] -= f * m[col, k];
                x[row] -= f * x[col];
            }
        }
        for (int row = n - 1; row >= 0; row--)
        {
            double s = x[row];
            for (int k = row + 1; k < n; k++) s -= m[row, k] * x[k];
            x[row] = s / m[row, row];
        }
        return x;
    }

    /// <summary>The four per-inertia coefficients [G/J, T/J, D/J, C/J] and the rig parameters that realise them.</summary>
    private sealed class CoefficientMap
    {
        private readonly RigSpec _nominal;
        private readonly double _inertia, _pendulumInertia, _massGravity, _gear, _volts, _ohms, _viscous, _backEmf;

        public CoefficientMap(RigSpec nominal)
        {
            _nominal = nominal;
            _gear = nominal["motor.gear_ratio"];
            _pendulumInertia = nominal["pendulum.inertia"];
            _inertia = _pendulumInertia + _gear * _gear * nominal["motor.rotor_inertia"];
            _massGravity = nominal["pendulum.mass"] * nominal["gravity"];
            _volts = nominal["motor.supply_voltage"];
            _ohms = nominal["motor.resistance"];
            _viscous = nominal["friction.viscous"];
            _backEmf = nominal["motor.back_emf_constant"];
            double kt = nominal["motor.torque_constant"];
            Nominal =
            [
                _massGravity * nominal["pendulum.com"] / _inertia,
                _gear * kt * _volts / _ohms / _inertia,
                (_gear * _gear * kt * _backEmf / _ohms + _viscous) / _inertia,
                nominal["friction.coulomb"] / _inertia,
            ];
            // Finite-difference scales where a nominal coefficient is 0 (no Coulomb friction in the file, say).
            Scale = [Math.Max(Nominal[0], 1), Math.Max(Nominal[1], 1), Math.Max(Nominal[2], 0.01), Math.Max(Nominal[3], 0.01)];
        }

        public double[] Nominal { get; }
        public double[] Scale { get; }

        /// <summary>Every coefficient is physically non-negative.</summary>
        public void Clamp(double[] x)
        {
            for (int k = 0; k < Parameters; k++) x[k] = Math.Max(0, x[k]);
        }

        public RigSpec ToSpec(double[] x, int delay)
        {
            double kt = x[1] * _inertia * _ohms / (_gear * _volts);
            double damping = x[2] * _inertia;
            // The damping comes from back-EMF and bearing friction; keep the file's bearing friction and put the rest
            // in the back-EMF constant, unless the damping is below the bearing friction alone.
            double viscous = _viscous, backEmf = _backEmf;
            double electrical = damping - _viscous;
            if (electrical >= 0 && kt > 0) backEmf = electrical * _ohms / (_gear * _gear * kt);
            else { viscous = damping; backEmf = 0; }
            return _nominal
                .WithOverride("pendulum.inertia", _pendulumInertia) // pinned: a fitted coefficient must not move with the mass
                .WithOverride("pendulum.com", x[0] * _inertia / _massGravity)
                .WithOverride("motor.torque_constant", kt)
                .WithOverride("motor.back_emf_constant", backEmf)
                .WithOverride("friction.viscous", viscous)
                .WithOverride("friction.coulomb", x[3] * _inertia)
                .WithOverride("delay_steps", delay);
        }
    }

    /// <summary>The logged transitions flattened: (θ, θ̇) before and after each step, and where its command sits.</summary>
    private sealed class Transitions
    {
        public required double Period { get; init; }
        public required double[] Theta { get; init; }
        public required double[] ThetaDot { get; init; }
        public required double[] NextTheta { get; init; }
        public required double[] NextThetaDot { get; init; }
        public required int[] StepInEpisode { get; init; }
        public required int[] EpisodeCommandStart { get; init; }
        public required float[] Commands { get; init; }
        public int Count => Theta.Length;

        public static Transitions From(IReadOnlyList<RigEpisode> episodes, double period)
        {
            int total = 0;
            foreach (RigEpisode e in episodes) total += e.Steps;
            int stride = Math.Max(1, (total + MaxTransitions - 1) / MaxTransitions);
            var commands = new float[total];
            var theta = new List<double>(); var thetaDot = new List<double>();
            var nextTheta = new List<double>(); var nextThetaDot = new List<double>();
            var stepIn = new List<int>(); var commandStart = new List<int>();
            int offset = 0, index = 0;
            foreach (RigEpisode e in episodes)
            {
                for (int t = 0; t < e.Steps; t++) commands[offset + t] = Math.Clamp(e.Commands[t], -1f, 1f);
                for (int t = 0; t < e.Steps; t++, index++)
                {
                    if (index % stride != 0) continue;
                    theta.Add(Math.Atan2(e.Observations[3 * t + 1], e.Observations[3 * t]));
                    thetaDot.Add(e.Observations[3 * t + 2]);
                    nextTheta.Add(Math.Atan2(e.Observations[3 * t + 4], e.Observations[3 * t + 3]));
                    nextThetaDot.Add(e.Observations[3 * t + 5]);
                    stepIn.Add(t);
                    commandStart.Add(offset);
                }
                offset += e.Steps;
            }
            return new Transitions
            {
                Period = period, Theta = [.. theta], ThetaDot = [.. thetaDot], NextTheta = [.. nextTheta], NextThetaDot = [.. nextThetaDot],
                StepInEpisode = [.. stepIn], EpisodeCommandStart = [.. commandStart], Commands = commands,
            };
        }
    }
}
