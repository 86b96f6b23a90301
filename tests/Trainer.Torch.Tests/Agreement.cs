namespace TrpoEdge.Trainer.Torch.Tests;

/// <summary>Norm-wise relative error ‖managed − oracle‖ / max(‖oracle‖, floor), and the assertion that it is within a
/// tolerance, with a message that names the quantity, the case and both norms.</summary>
internal static class Agreement
{
    public static double RelativeError(ReadOnlySpan<double> managed, ReadOnlySpan<double> oracle, double floor = 1e-6)
    {
        Assert.Equal(oracle.Length, managed.Length);
        double diff = 0, norm = 0;
        for (int i = 0; i < oracle.Length; i++)
        {
            double d = managed[i] - oracle[i];
            diff += d * d;
            norm += oracle[i] * oracle[i];
        }
        return Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), floor);
    }

    public static void Close(string what, string @case, ReadOnlySpan<double> managed, ReadOnlySpan<double> oracle, double tolerance)
    {
        double error = RelativeError(managed, oracle);
        Assert.True(error <= tolerance, $"{what} on {@case}: relative error {error:E2} > {tolerance:E0} (‖oracle‖ = {Norm(oracle):G6}, ‖managed‖ = {Norm(managed):G6}).");
    }

    public static void Close(string what, string @case, double managed, double oracle, double tolerance, double floor = 1e-6) =>
        Close(what, @case, [managed], [oracle], tolerance);

    public static double[] ToDouble(ReadOnlySpan<float> x)
    {
        var d = new double[x.Length];
        for (int i = 0; i < x.Length; i++) d[i] = x[i];
        return d;
    }

    private static double Norm(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x) s += v * v;
        return Math.Sqrt(s);
    }
}
