namespace TrpoEdge.Trainer.Engine;

/// <summary>Hidden-layer nonlinearity of an <see cref="Mlp"/>; the last layer is always linear.</summary>
public enum Activation
{
    /// <summary>tanh; its derivative is recovered from the output as 1 − y².</summary>
    Tanh,

    /// <summary>max(0, x); its derivative is recovered from the output as [y &gt; 0].</summary>
    Relu,
}
