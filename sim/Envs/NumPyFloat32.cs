namespace TrpoEdge.Sim.Envs;

/// <summary>NumPy's float32 <c>cos</c> and <c>sin</c> ufuncs on x86-64 (numpy/core/src/umath/
/// loops_trigonometric.dispatch.c.src, NumPy 1.2x with FMA3): Cody–Waite reduction by π/2 in three float32
/// parts, then minimax polynomials on [−π/4, π/4], every step a fused multiply-add. They differ from the
/// C library's float64 result rounded to float32 in the last bit for about one input in 1,400, and Gymnasium
/// calls them on Acrobot's float32 reset state. Beyond the Cody–Waite range NumPy calls the C library's
/// float32 functions, as this does.</summary>
internal static class NumPyFloat32
{
    private static readonly float TwoOverPi = BitConverter.Int32BitsToSingle(0x3f22f983); // 0x1.45f306p-1
    private static readonly float PiO2High = BitConverter.Int32BitsToSingle(unchecked((int)0xbfc90fd8)); // -0x1.921fb0p+00
    private static readonly float PiO2Med = BitConverter.Int32BitsToSingle(unchecked((int)0xb4a8885a)); // -0x1.5110b4p-22
    private static readonly float PiO2Low = BitConverter.Int32BitsToSingle(unchecked((int)0xa7c234c4)); // -0x1.846988p-48
    private static readonly float RintMagic = BitConverter.Int32BitsToSingle(0x4b400000); // 0x1.800000p+23
    private static readonly float Cos8 = BitConverter.Int32BitsToSingle(0x37cc730b); // 0x1.98e616p-16
    private static readonly float Cos6 = BitConverter.Int32BitsToSingle(unchecked((int)0xbab6036e)); // -0x1.6c06dcp-10
    private static readonly float Cos4 = BitConverter.Int32BitsToSingle(0x3d2aaa9e); // 0x1.55553cp-05
    private static readonly float Cos2 = BitConverter.Int32BitsToSingle(unchecked((int)0xbf000000)); // -0x1.000000p-01
    private static readonly float Cos0 = BitConverter.Int32BitsToSingle(0x3f800000); // 0x1.000000p+00
    private static readonly float Sin9 = BitConverter.Int32BitsToSingle(0x363e9dde); // 0x1.7d3bbcp-19
    private static readonly float Sin7 = BitConverter.Int32BitsToSingle(unchecked((int)0xb95035dd)); // -0x1.a06bbap-13
    private static readonly float Sin5 = BitConverter.Int32BitsToSingle(0x3c0888cd); // 0x1.11119ap-07
    private static readonly float Sin3 = BitConverter.Int32BitsToSingle(unchecked((int)0xbe2aaaab)); // -0x1.555556p-03
    private const float MaxCodyWaiteCos = 71476.0625f, MaxCodyWaiteSin = 117435.992f;

    public static float Cos(float x) => SinCos(x, cosine: true);

    public static float Sin(float x) => SinCos(x, cosine: false);

    private static float SinCos(float x, bool cosine)
    {
        if (float.IsNaN(x)) return float.NaN;
        if (MathF.Abs(x) > (cosine ? MaxCodyWaiteCos : MaxCodyWaiteSin)) return cosine ? MathF.Cos(x) : MathF.Sin(x);
        // Round x·2/π to the nearest integer by adding and subtracting 1.5·2²³.
        float quadrant = x * TwoOverPi;
        quadrant += RintMagic;
        quadrant -= RintMagic;
        float r = MathF.FusedMultiplyAdd(quadrant, PiO2High, x);
        r = MathF.FusedMultiplyAdd(quadrant, PiO2Med, r);
        r = MathF.FusedMultiplyAdd(quadrant, PiO2Low, r);
        float r2 = r * r;

        float c = MathF.FusedMultiplyAdd(Cos8, r2, Cos6);
        c = MathF.FusedMultiplyAdd(c, r2, Cos4);
        c = MathF.FusedMultiplyAdd(c, r2, Cos2);
        c = MathF.FusedMultiplyAdd(c, r2, Cos0);

        float s = MathF.FusedMultiplyAdd(Sin9, r2, Sin7);
        s = MathF.FusedMultiplyAdd(s, r2, Sin5);
        s = MathF.FusedMultiplyAdd(s, r2, Sin3);
        s = MathF.FusedMultiplyAdd(s, r2, 0f);
        s = MathF.FusedMultiplyAdd(s, r, r);

        int q = (int)quadrant + (cosine ? 1 : 0);
        float result = (q & 1) == 0 ? s : c;
        return (q & 2) != 0 ? 0f - result : result;
    }
}
