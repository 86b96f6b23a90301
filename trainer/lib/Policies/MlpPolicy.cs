using TrpoEdge.Sim.Random;
using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Policies;

/// <summary>A stochastic policy π_θ(a|s) whose distribution parameters are an MLP of the (normalised)
/// observation, plus optional state-independent head parameters (the Gaussian's log σ).
/// θ is the MLP's flat parameters followed by the head parameters. Every batched method works on
/// caller-provided buffers; the only state is the MLP's cached activations of the last <see cref="Forward"/>,
/// which <see cref="SurrogateGradient"/> and <see cref="FisherVectorProduct"/> differentiate through.</summary>
public abstract class MlpPolicy
{
    private float[] _scratch = [];

    protected MlpPolicy(Mlp network, int observationSize, int outputSize, int actionSize, int headSize)
    {
        Network = network;
        ObservationSize = observationSize;
        OutputSize = outputSize;
        ActionSize = actionSize;
        HeadSize = headSize;
    }

    public Mlp Network { get; }
    public int ObservationSize { get; }
    /// <summary>Network outputs per sample: the Gaussian mean's dimension or the number of logits.</summary>
    public int OutputSize { get; }
    /// <summary>Floats per action: the Box dimension, or 1 (the index) for a discrete policy.</summary>
    public int ActionSize { get; }
    public int HeadSize { get; }
    public int ParameterCount => Network.ParameterCount + HeadSize;

    /// <summary>The head parameters (log σ for the Gaussian; empty for the categorical).</summary>
    public abstract Span<float> Head { get; }

    public void GetParameters(Span<float> destination)
    {
        Network.Parameters.CopyTo(destination);
        Head.CopyTo(destination[Network.ParameterCount..]);
    }

    public void SetParameters(ReadOnlySpan<float> source)
    {
        if (source.Length != ParameterCount)
            throw new ArgumentException($"Policy has {ParameterCount} parameters; got {source.Length}.");
        source[..Network.ParameterCount].CopyTo(Network.Parameters);
        source[Network.ParameterCount..].CopyTo(Head);
    }

    /// <summary>Distribution parameters for a batch of normalised observations; caches activations.</summary>
    public void Forward(ReadOnlySpan<float> observations, int batch, Span<float> outputs) =>
        Network.Forward(observations[..(batch * ObservationSize)], batch, outputs[..(batch * OutputSize)]);

    /// <summary>log π(a_i|s_i) for each row, computed in double.</summary>
    public abstract void LogProb(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, int batch, Span<double> logProb);

    /// <summary>∇_θ Σ_i c_i · log π_θ(a_i|s_i) at the batch of the last <see cref="Forward"/>
    /// (whose outputs are passed back in).</summary>
    public void SurrogateGradient(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, ReadOnlySpan<float> coefficients, int batch, Span<float> gradient)
    {
        Span<float> dOut = Scratch(batch * OutputSize);
        OutputGradient(outputs, actions, coefficients, batch, dOut, gradient[Network.ParameterCount..]);
        Network.Backward(dOut, gradient[..Network.ParameterCount]);
    }

    /// <summary>F·v with F the Fisher information of π averaged over the last <see cref="Forward"/>'s batch,
    /// computed exactly as Jᵀ M J v: a Jacobian-vector product through the network, the Fisher metric M of
    /// the output distribution, then a vector-Jacobian product. No damping here; the caller adds it.</summary>
    public void FisherVectorProduct(ReadOnlySpan<float> outputs, int batch, ReadOnlySpan<float> v, Span<float> result)
    {
        int netCount = Network.ParameterCount;
        Span<float> jv = Scratch(batch * OutputSize);
        Network.Jvp(v[..netCount], jv);
        ApplyFisherMetric(outputs, batch, jv, 1f / batch);
        Network.Backward(jv, result[..netCount]);
        HeadFisherProduct(v[netCount..], result[netCount..]);
    }

    /// <summary>∇_θ of the mean over the batch of KL(π_old(·|s_i) ‖ π_θ(·|s_i)) at the batch of the last
    /// <see cref="Forward"/> (whose outputs are passed back in): the exact output-gradient of the KL, then a
    /// vector-Jacobian product through the network. The KL-penalty variant descends β times this.</summary>
    public void KlGradient(ReadOnlySpan<float> oldOutputs, ReadOnlySpan<float> oldHead, ReadOnlySpan<float> outputs, int batch, Span<float> gradient)
    {
        Span<float> dOut = Scratch(batch * OutputSize);
        KlOutputGradient(oldOutputs, oldHead, outputs, batch, dOut, gradient[Network.ParameterCount..]);
        Network.Backward(dOut, gradient[..Network.ParameterCount]);
    }

    /// <summary>Mean over the batch of KL(π_old(·|s) ‖ π_current(·|s)).</summary>
    public abstract double MeanKl(ReadOnlySpan<float> oldOutputs, ReadOnlySpan<float> oldHead, ReadOnlySpan<float> newOutputs, int batch);

    public abstract double MeanEntropy(ReadOnlySpan<float> outputs, int batch);

    /// <summary>Draws an action from the distribution of one row and returns its log-probability. For a Box
    /// action this is the unclipped sample: the log-prob is of what was drawn, clipping happens only at the env.</summary>
    public abstract double Sample(ReadOnlySpan<float> outputRow, Pcg64 rng, Span<float> action);

    /// <summary>The deterministic action of one row: the mean, or the arg-max index.</summary>
    public abstract void Deterministic(ReadOnlySpan<float> outputRow, Span<float> action);

    /// <summary>What the environment receives for a policy action: clipped to the Box bounds, or the index.</summary>
    public abstract void ToEnvironmentAction(ReadOnlySpan<float> action, Span<float> environmentAction);

    /// <summary>∂(Σ_i c_i log π(a_i|s_i))/∂outputs into <paramref name="dOutputs"/> and ∂/∂head into <paramref name="headGradient"/>.</summary>
    protected abstract void OutputGradient(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, ReadOnlySpan<float> coefficients, int batch, Span<float> dOutputs, Span<float> headGradient);

    /// <summary>∂(mean_i KL(π_old,i ‖ π_i))/∂outputs into <paramref name="dOutputs"/> and ∂/∂head into <paramref name="headGradient"/>.</summary>
    protected abstract void KlOutputGradient(ReadOnlySpan<float> oldOutputs, ReadOnlySpan<float> oldHead, ReadOnlySpan<float> outputs, int batch, Span<float> dOutputs, Span<float> headGradient);

    /// <summary>In place: u_i ← scale · M(outputs_i) u_i, M the Fisher metric of the output distribution.</summary>
    protected abstract void ApplyFisherMetric(ReadOnlySpan<float> outputs, int batch, Span<float> u, float scale);

    /// <summary>The head block of the (batch-averaged) Fisher matrix times v_head.</summary>
    protected abstract void HeadFisherProduct(ReadOnlySpan<float> vHead, Span<float> result);

    private Span<float> Scratch(int length)
    {
        if (_scratch.Length < length) _scratch = new float[length];
        return _scratch.AsSpan(0, length);
    }
}
