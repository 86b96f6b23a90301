using TrpoEdge.Core.Distributions;
using TrpoEdge.Sim.Random;

namespace TrpoEdge.Core.Tests.Distributions;

public sealed class DiagGaussianTests
{
    /// <summary>The 1-D normal density written out directly, independent of the implementation's formula.</summary>
    private static double Pdf(double x, double mu, double sigma) =>
        Math.Exp(-(x - mu) * (x - mu) / (2 * sigma * sigma)) / (sigma * Math.Sqrt(2 * Math.PI));

    /// <summary>log of <see cref="Pdf"/>, written out so the tails do not underflow to log 0.</summary>
    private static double LogPdf(double x, double mu, double sigma) =>
        -(x - mu) * (x - mu) / (2 * sigma * sigma) - Math.Log(sigma * Math.Sqrt(2 * Math.PI));

    /// <summary>Composite Simpson's rule on [a, b] with n (even) intervals.</summary>
    private static double Simpson(Func<double, double> f, double a, double b, int n = 20_000)
    {
        double h = (b - a) / n, sum = f(a) + f(b);
        for (int i = 1; i < n; i++) sum += f(a + i * h) * (i % 2 == 1 ? 4 : 2);
        return sum * h / 3;
    }

    [Fact]
    public void Log_prob_in_one_dimension_is_the_log_of_the_normal_density()
    {
        foreach ((float mu, float ls, float x) in new[] { (0f, 0f, 0f), (0.5f, -1.2f, 0.1f), (-2f, 0.7f, 3f), (1f, -3f, 1.05f) })
        {
            double expected = Math.Log(Pdf(x, mu, Math.Exp(ls)));
            Assert.Equal(expected, DiagGaussian.LogProb([mu], [ls], [x]), 10);
        }
        // Standard normal at 0: −½ log 2π = −0.918938533204672...
        Assert.Equal(-0.9189385332046727, DiagGaussian.LogProb([0f], [0f], [0f]), 14);
    }

    [Fact]
    public void Log_prob_of_several_dimensions_is_the_sum_over_dimensions()
    {
        float[] mean = [0.3f, -1f, 2f], logStd = [-0.5f, 0.2f, 0f], x = [0f, -0.5f, 4f];
        double sum = 0;
        for (int i = 0; i < 3; i++) sum += Math.Log(Pdf(x[i], mean[i], Math.Exp(logStd[i])));
        Assert.Equal(sum, DiagGaussian.LogProb(mean, logStd, x), 10);
    }

    [Fact]
    public void The_density_integrates_to_one()
    {
        double integral = Simpson(x => Math.Exp(DiagGaussian.LogProb([0.4f], [-0.3f], [(float)x])), -10, 10);
        // x is rounded to float inside the integrand, which perturbs the sum at the 1e-7 level.
        Assert.Equal(1.0, integral, 5);
    }

    [Fact]
    public void Entropy_matches_numerical_integration_of_minus_p_log_p()
    {
        foreach (float ls in new[] { -1.5f, 0f, 0.8f })
        {
            double sigma = Math.Exp(ls);
            double numeric = Simpson(x => { double p = Pdf(x, 0, sigma); return p > 0 ? -p * Math.Log(p) : 0; }, -12 * sigma, 12 * sigma);
            Assert.Equal(numeric, DiagGaussian.Entropy([ls]), 6);
        }
        // Two dimensions add: ½ log(2πe) each at σ = 1 → 2.837877066409345.
        Assert.Equal(2.837877066409345, DiagGaussian.Entropy([0f, 0f]), 12);
    }

    [Fact]
    public void Kl_matches_numerical_integration_in_one_dimension()
    {
        (float m0, float l0, float m1, float l1)[] cases = [(0f, 0f, 1f, 0f), (0.5f, -0.4f, -0.3f, 0.3f), (2f, 0.5f, 1.5f, -0.7f)];
        foreach (var (m0, l0, m1, l1) in cases)
        {
            double s0 = Math.Exp(l0), s1 = Math.Exp(l1);
            double numeric = Simpson(x => Pdf(x, m0, s0) * (LogPdf(x, m0, s0) - LogPdf(x, m1, s1)),
                m0 - 15 * s0, m0 + 15 * s0);
            Assert.Equal(numeric, DiagGaussian.Kl([m0], [l0], [m1], [l1]), 6);
        }
        // KL(N(0,1) || N(1,1)) = ½ exactly.
        Assert.Equal(0.5, DiagGaussian.Kl([0f], [0f], [1f], [0f]), 14);
    }

    [Fact]
    public void Kl_of_a_distribution_with_itself_is_zero_and_otherwise_positive()
    {
        var rng = new Pcg64(3);
        var m0 = new float[4]; var l0 = new float[4]; var m1 = new float[4]; var l1 = new float[4];
        for (int trial = 0; trial < 500; trial++)
        {
            for (int i = 0; i < 4; i++)
            {
                m0[i] = (float)(rng.NextGaussian() * 2); l0[i] = (float)(rng.NextGaussian());
                m1[i] = (float)(rng.NextGaussian() * 2); l1[i] = (float)(rng.NextGaussian());
            }
            Assert.Equal(0.0, DiagGaussian.Kl(m0, l0, m0, l0), 12);
            Assert.True(DiagGaussian.Kl(m0, l0, m1, l1) > 0);
        }
    }

    [Fact]
    public void Kl_agrees_with_a_monte_carlo_estimate_from_samples()
    {
        float[] m0 = [0.2f, -0.5f, 1f], l0 = [-0.3f, 0.1f, -1f];
        float[] m1 = [0.5f, -0.2f, 0.8f], l1 = [0f, -0.2f, -0.6f];
        var rng = new Pcg64(11);
        var x = new float[3];
        const int n = 200_000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            DiagGaussian.Sample(m0, l0, Normals(rng, 3), x);
            double d = DiagGaussian.LogProb(m0, l0, x) - DiagGaussian.LogProb(m1, l1, x);
            sum += d; sumSq += d * d;
        }
        double estimate = sum / n, stderr = Math.Sqrt((sumSq / n - estimate * estimate) / n);
        double exact = DiagGaussian.Kl(m0, l0, m1, l1);
        Assert.InRange(exact, estimate - 5 * stderr, estimate + 5 * stderr);
    }

    [Fact]
    public void Samples_have_the_requested_mean_and_standard_deviation()
    {
        float[] mean = [1.5f, -2f], logStd = [-1f, 0.5f];
        var rng = new Pcg64(8);
        var x = new float[2];
        const int n = 100_000;
        double[] s1 = new double[2], s2 = new double[2];
        for (int i = 0; i < n; i++)
        {
            DiagGaussian.Sample(mean, logStd, Normals(rng, 2), x);
            for (int j = 0; j < 2; j++) { s1[j] += x[j]; s2[j] += x[j] * (double)x[j]; }
        }
        for (int j = 0; j < 2; j++)
        {
            double m = s1[j] / n, sd = Math.Sqrt(s2[j] / n - m * m), sigma = Math.Exp(logStd[j]);
            Assert.InRange(m, mean[j] - 5 * sigma / Math.Sqrt(n), mean[j] + 5 * sigma / Math.Sqrt(n));
            Assert.InRange(sd / sigma, 0.985, 1.015);
        }
    }

    [Fact]
    public void Sampling_is_reproducible_from_the_seed()
    {
        var a = new float[3]; var b = new float[3];
        DiagGaussian.Sample([0f, 1f, 2f], [0f, 0f, 0f], Normals(new Pcg64(42), 3), a);
        DiagGaussian.Sample([0f, 1f, 2f], [0f, 0f, 0f], Normals(new Pcg64(42), 3), b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Mismatched_lengths_are_refused_naming_the_argument()
    {
        var e = Assert.Throws<ArgumentException>(() => DiagGaussian.LogProb([0f, 0f], [0f, 0f], [0f]));
        Assert.Equal("x", e.ParamName);
        Assert.Throws<ArgumentException>(() => DiagGaussian.Kl([0f], [0f], [0f], [0f, 1f]));
    }

    private static double[] Normals(Pcg64 rng, int n)
    {
        var e = new double[n];
        rng.FillGaussian(e);
        return e;
    }
}
