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

    /// <summary>On Linux, .NET's Math.Pow is the C library's pow (glibc's or musl's, the same code), whose documented
    /// worst-case error is 0.54 ulp; elsewhere nothing is assumed about it.</summary>
    private static readonly bool PowErrorBelow054Ulp = OperatingSystem.IsLinux();

    /// <summary>Python's <c>x ** 2</c> on a float64, which is libm <c>pow(x, 2.0)</c>, bit for bit — without calling pow
    /// where its answer is already known. x·x's exact value is hi + lo (lo from a fused multiply-add). When |lo| is
    /// below 0.45 ulp and hi is not a power of two (whose lower neighbour is only half an ulp away), every double
    /// other than hi lies more than 0.55 ulp from the exact square, so a pow accurate to 0.54 ulp must return hi;
    /// otherwise (about one input in ten) pow itself is called. pow and x·x disagree for about one input in a thousand.</summary>
    internal static double SquareAsPow(double x)
    {
        double hi = x * x;
        if (PowErrorBelow054Ulp)
        {
            long bits = BitConverter.DoubleToInt64Bits(hi);
            long exponent = (bits >> 52) & 0x7FF;
            if (exponent > 53 && exponent < 0x7FE && (bits & 0xF_FFFF_FFFF_FFFFL) != 0)
            {
                double lo = Math.FusedMultiplyAdd(x, x, -hi);
                double ulp = BitConverter.Int64BitsToDouble((exponent - 52) << 52);
                if (Math.Abs(lo) < 0.45 * ulp) return hi;
            }
        }
        return Math.Pow(x, 2);
    }
}
