namespace TrpoEdge.Sim;

/// <summary>How <see cref="RigEnv"/> integrates within each control period (<c>control.integrator</c>).</summary>
public enum RigIntegrator
{
    /// <summary>Classic fourth-order Runge–Kutta per substep (<c>rk4</c>): accurate, 4 force evaluations.</summary>
    Rk4,
    /// <summary>Semi-implicit (symplectic) Euler per substep (<c>semi_implicit_euler</c>): ω first, then θ with
    /// the new ω; energy error stays bounded instead of drifting, as on a microcontroller.</summary>
    SemiImplicitEuler,
}
