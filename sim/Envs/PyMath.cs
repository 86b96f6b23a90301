namespace TrpoEdge.Sim.Envs;

/// <summary>Python/NumPy arithmetic that differs from C#'s, reproduced exactly.</summary>
internal static class PyMath
{
    internal const double TwoPi = 2 * Math.PI;

    /// <summary>Python's float <c>x % y</c>: the result takes the divisor's sign (C#'s % takes the dividend's).
    /// Same steps as CPython's float_rem and NumPy's npy_divmod: exact fmod, then one correction.</summary>
    internal static double Mod(double x, double y)
    {
        double mod = x % y; // C# % on doubles is the exact IEEE fmod
        if (mod != 0)
        {
            if ((y < 0) != (mod < 0)) mod += y;
        }
        else
        {
            mod = y < 0 ? -0.0 : 0.0;
        }
        return mod;
    }

    /// <summary>Gymnasium's <c>angle_normalize(x) = ((x + π) % (2π)) − π</c>. The common case
    /// −2π &lt; x + π &lt; 2π skips fmod; it yields exactly what fmod plus Python's correction would.</summary>
    internal static double AngleNormalize(double x)
    {
        double y = x + Math.PI;
        double m;
        if (y >= 0 && y < TwoPi) m = y;          // fmod(y, 2π) == y
        else if (y < 0 && y > -TwoPi) m = y + TwoPi; // fmod == y (negative), Python adds the divisor
        else m = Mod(y, TwoPi);
        return m - Math.PI;
    }
}
