using System.Globalization;

namespace TrpoEdge.Sim;

/// <summary>What <see cref="RigIdentifier.Fit"/> found: the rig that moves like the logged plant, and how well.</summary>
/// <param name="Spec">The nominal rig with the identified dynamics and delay written in.</param>
/// <param name="DelaySteps">The identified actuation delay in control periods.</param>
/// <param name="Coefficients">[G/J, T/J, D/J, C/J]: gravity, torque per unit command, damping and Coulomb friction per unit inertia (1/s², 1/s², 1/s, 1/s²).</param>
/// <param name="StandardErrors">Their standard errors from the fit.</param>
/// <param name="NominalCoefficients">The same four of the nominal rig.</param>
/// <param name="NominalDelaySteps">The nominal rig's delay.</param>
/// <param name="NominalRms">The nominal rig's one-period prediction error on the data, rad/s.</param>
/// <param name="FittedRms">The identified rig's, rad/s.</param>
/// <param name="Transitions">Logged transitions fitted.</param>
public sealed record RigIdentification(RigSpec Spec, int DelaySteps, double[] Coefficients, double[] StandardErrors,
    double[] NominalCoefficients, int NominalDelaySteps, double NominalRms, double FittedRms, int Transitions)
{
    /// <summary>Names of <see cref="Coefficients"/>, for tables.</summary>
    public static IReadOnlyList<string> CoefficientNames { get; } = ["gravity / inertia", "torque per command / inertia", "damping / inertia", "Coulomb friction / inertia"];

    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        for (int k = 0; k < Coefficients.Length; k++)
            lines.Add(string.Format(c, "{0}: {1:G4} ± {2:G2} (nominal {3:G4})", CoefficientNames[k], Coefficients[k], StandardErrors[k], NominalCoefficients[k]));
        lines.Add($"delay: {DelaySteps} period(s) (nominal {NominalDelaySteps})");
        lines.Add(string.Format(c, "one-period prediction error: {0:G3} rad/s (nominal rig {1:G3}) over {2} transitions", FittedRms, NominalRms, Transitions));
        return string.Join(Environment.NewLine, lines);
    }
}
