using TorchSharp;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Policies;
using static TorchSharp.torch;

namespace TrpoEdge.Trainer.Torch.Tests;

/// <summary>The managed engine (float32, hand-written backward and forward-mode passes, Fisher as Jᵀ·M·J) against
/// LibTorch autograd in float64 (reverse mode; the Fisher-vector product as the Hessian-vector product of the mean KL
/// by double backpropagation; the JVP by the double-VJP trick), on every <see cref="OracleCase"/>.
///
/// Tolerances are norm-wise relative errors and say what float32 allows: about 1e-7 per rounding, a few hundred
/// roundings deep in a three-layer network and a 48-row reduction, so 1e-5 for values (forward, log-probability,
/// surrogate, entropy, loss) and 1e-4 for derivatives and the KL (differences of nearly equal values).</summary>
public sealed class OracleTests
{
    private const int B = OracleCase.Batch;
    private const double Values = 1e-5, Derivatives = 1e-4;
    private static readonly TorchEngineProvider Oracle = new("cpu", ScalarType.Float64);

    [Theory]
    [MemberData(nameof(OracleCase.Names), MemberType = typeof(OracleCase))]
    public void Forward_pass_matches(string name)
    {
        OracleCase c = OracleCase.Get(name);
        MlpPolicy policy = c.Policy();
        float[] obs = c.ObservationBatch();
        var outputs = new float[B * policy.OutputSize];
        policy.Forward(obs, B, outputs);

        using var scope = NewDisposeScope();
        Tensor y = new TorchMlp(policy.Network).Forward(Theta(policy), Rows(obs, c.Observations));
        Agreement.Close("forward", name, Agreement.ToDouble(outputs), Doubles(y), Values);
    }

    [Theory]
    [MemberData(nameof(OracleCase.Names), MemberType = typeof(OracleCase))]
    public void Log_probability_matches(string name)
    {
        OracleCase c = OracleCase.Get(name);
        MlpPolicy policy = c.Policy();
        float[] obs = c.ObservationBatch();
        var (actions, _, _) = c.Samples(policy, obs);
        var outputs = new float[B * policy.OutputSize];
        policy.Forward(obs, B, outputs);
        var logProb = new double[B];
        policy.LogProb(outputs, actions, B, logProb);

        using var scope = NewDisposeScope();
        Tensor theta = Theta(policy);
        Tensor y = new TorchMlp(policy.Network).Forward(theta, Rows(obs, c.Observations));
        TorchPolicyHead head = c.Box ? new TorchGaussianHead(c.Actions) : new TorchCategoricalHead();
        Tensor expected = head.LogProb(y, theta.narrow(0, policy.Network.ParameterCount, policy.HeadSize), head.Actions(actions, B, ScalarType.Float64, CPU));
        Agreement.Close("log-probability", name, logProb, Doubles(expected), Values);
    }

    [Theory]
    [MemberData(nameof(OracleCase.Names), MemberType = typeof(OracleCase))]
    public void Surrogate_and_its_gradient_match(string name)
    {
        OracleCase c = OracleCase.Get(name);
        var (managed, oracle) = Engines(c, out _);
        using (oracle)
        {
            Agreement.Close("surrogate", name, managed.ForwardSurrogate(), oracle.ForwardSurrogate(), Values);
            EngineVector gm = managed.Vectors.CreateVector(), go = oracle.Vectors.CreateVector();
            managed.SurrogateGradient(gm);
            oracle.SurrogateGradient(go);
            Agreement.Close("surrogate gradient", name, Host(managed, gm), Host(oracle, go), Derivatives);
        }
    }

    [Theory]
    [MemberData(nameof(OracleCase.Names), MemberType = typeof(OracleCase))]
    public void Jacobian_vector_product_matches(string name)
    {
        OracleCase c = OracleCase.Get(name);
        MlpPolicy policy = c.Policy();
        float[] obs = c.ObservationBatch();
        float[] v = c.Direction(policy.Network.ParameterCount, 1);
        var outputs = new float[B * policy.OutputSize];
        policy.Forward(obs, B, outputs);
        var jv = new float[B * policy.OutputSize];
        policy.Network.Jvp(v, jv);

        using var scope = NewDisposeScope();
        // J·v by two reverse passes: g(u) = Jᵀu is linear in u, so ∂(g(u)·v)/∂u = J·v.
        var net = new TorchMlp(policy.Network);
        Tensor theta = Theta(policy).narrow(0, 0, net.ParameterCount).detach().requires_grad_(true);
        Tensor y = net.Forward(theta, Rows(obs, c.Observations));
        Tensor u = zeros_like(y).requires_grad_(true);
        Tensor g = autograd.grad([y], [theta], [u], retain_graph: true, create_graph: true)[0];
        Tensor expected = autograd.grad([g.dot(Vector(v))], [u], retain_graph: true)[0];
        Agreement.Close("JVP", name, Agreement.ToDouble(jv), Doubles(expected), Derivatives);
    }

    [Theory]
    [MemberData(nameof(OracleCase.Names), MemberType = typeof(OracleCase))]
    public void Fisher_vector_product_matches_the_hessian_of_the_mean_kl(string name)
    {
        OracleCase c = OracleCase.Get(name);
        foreach (double subsample in new[] { 1.0, 0.5 })
        {
            var (managed, oracle) = Engines(c, out MlpPolicy policy);
            using (oracle)
            {
                managed.ForwardSurrogate();
                oracle.ForwardSurrogate();
                managed.PrepareFisher(subsample);
                oracle.PrepareFisher(subsample);
                float[] v = c.Direction(policy.ParameterCount, 2);
                EngineVector vm = managed.Vectors.CreateVector(), vo = oracle.Vectors.CreateVector();
                managed.Vectors.Upload(v, vm);
                oracle.Vectors.Upload(v, vo);
                EngineVector fm = managed.Vectors.CreateVector(), fo = oracle.Vectors.CreateVector();
                managed.FisherVectorProduct(vm, fm);
                oracle.FisherVectorProduct(vo, fo);
                Agreement.Close($"Fisher-vector product (subsample {subsample})", name, Host(managed, fm), Host(oracle, fo), Derivatives);
            }
        }
    }

    [Theory]
    [MemberData(nameof(OracleCase.Names), MemberType = typeof(OracleCase))]
    public void Mean_kl_and_entropy_match(string name)
    {
        OracleCase c = OracleCase.Get(name);
        var (managed, oracle) = Engines(c, out MlpPolicy policy);
        using (oracle)
        {
            managed.ForwardSurrogate();
            oracle.ForwardSurrogate();
            Agreement.Close("entropy", name, managed.MeanEntropy(), oracle.MeanEntropy(), Values);
            managed.MarkReference();
            oracle.MarkReference();
            // θ₁ = θ₀ + 0.05·d: a KL of the size a trust region allows.
            float[] theta = new float[policy.ParameterCount], d = c.Direction(policy.ParameterCount, 3);
            policy.GetParameters(theta);
            for (int i = 0; i < theta.Length; i++) theta[i] += 0.05f * d[i];
            EngineVector tm = managed.Vectors.CreateVector(), to = oracle.Vectors.CreateVector();
            managed.Vectors.Upload(theta, tm);
            oracle.Vectors.Upload(theta, to);
            managed.SetParameters(tm);
            oracle.SetParameters(to);
            managed.ForwardSurrogate();
            oracle.ForwardSurrogate();
            double kl = oracle.MeanKl();
            Assert.True(kl > 1e-4, $"the test step should move the policy measurably; KL = {kl:E2}");
            Agreement.Close("mean KL", name, managed.MeanKl(), kl, Derivatives);
            Agreement.Close("entropy after the step", name, managed.MeanEntropy(), oracle.MeanEntropy(), Values);
        }
    }

    [Theory]
    [MemberData(nameof(OracleCase.Names), MemberType = typeof(OracleCase))]
    public void Value_prediction_and_loss_gradient_match(string name)
    {
        OracleCase c = OracleCase.Get(name);
        float[] obs = c.ObservationBatch(), targets = c.Direction(B, 4);
        var managed = new ManagedValueEngine(c.Critic());
        using IValueEngine oracle = Oracle.CreateValueEngine(c.Critic());
        float[] vm = new float[B], vo = new float[B];
        managed.Predict(obs, B, vm);
        oracle.Predict(obs, B, vo);
        Agreement.Close("value prediction", name, Agreement.ToDouble(vm), Agreement.ToDouble(vo), Values);

        managed.StageRegression(obs, targets, B);
        oracle.StageRegression(obs, targets, B);
        int[] rows = Enumerable.Range(0, B).Where(i => i % 3 != 1).Reverse().ToArray(); // a shuffled minibatch
        EngineVector gm = managed.Vectors.CreateVector(), go = oracle.Vectors.CreateVector();
        double lm = managed.LossGradient(rows, gm), lo = oracle.LossGradient(rows, go);
        Agreement.Close("value loss", name, lm, lo, Values);
        Agreement.Close("value loss gradient", name, Host(managed.Vectors, gm), Host(oracle.Vectors, go), Derivatives);
    }

    /// <summary>The seam end to end: one whole TRPO update (gradient, CG, step length, line search) on each engine
    /// from the same θ and batch lands on the same θ'.</summary>
    [Theory]
    [InlineData("tanh-[12,10,8]-box6")]
    [InlineData("relu-[8,8,8]-discrete5")]
    public void A_whole_trpo_update_agrees(string name)
    {
        OracleCase c = OracleCase.Get(name);
        MlpPolicy a = c.Policy(), b = c.Policy();
        float[] obs = c.ObservationBatch();
        var (actions, behaviour, advantages) = c.Samples(a, obs);
        var options = new TrpoOptions { CgIterations = 10, CgDamping = 0.1 };
        PolicyStepReport rm = new TrpoPolicyStep(a, options).Update(new PolicyBatch(obs, actions, behaviour, advantages, B));
        using var step = new TrpoPolicyStep(Oracle.CreatePolicyEngine(b), options);
        PolicyStepReport ro = step.Update(new PolicyBatch(obs, actions, behaviour, advantages, B));
        Assert.True(rm.LineSearchSuccess && ro.LineSearchSuccess, $"both line searches should accept on {name}: managed {rm.LineSearchSuccess}, oracle {ro.LineSearchSuccess}");
        Assert.Equal(rm.LineSearchSteps, ro.LineSearchSteps);
        float[] ta = new float[a.ParameterCount], tb = new float[b.ParameterCount];
        a.GetParameters(ta);
        b.GetParameters(tb);
        Agreement.Close("θ after one TRPO update", name, Agreement.ToDouble(ta), Agreement.ToDouble(tb), Derivatives);
        Agreement.Close("KL of the update", name, rm.Kl, ro.Kl, 1e-3);
    }

    private static (ManagedPolicyEngine Managed, IPolicyEngine Oracle) Engines(OracleCase c, out MlpPolicy policy)
    {
        policy = c.Policy();
        float[] obs = c.ObservationBatch();
        var (actions, behaviour, advantages) = c.Samples(policy, obs);
        var batch = new PolicyBatch(obs, actions, behaviour, advantages, B);
        var managed = new ManagedPolicyEngine(policy);
        IPolicyEngine oracle = Oracle.CreatePolicyEngine(policy);
        managed.StageBatch(batch);
        oracle.StageBatch(batch);
        return (managed, oracle);
    }

    private static double[] Host(IPolicyEngine engine, EngineVector v) => Host(engine.Vectors, v);

    private static double[] Host(IVectorAlgebra vectors, EngineVector v)
    {
        var host = new float[vectors.Length];
        if (vectors is TorchVectorSpace torchVectors)
            return torchVectors.Of(v).to(ScalarType.Float64).data<double>().ToArray(); // the oracle's float64, unrounded
        vectors.Download(v, host);
        return Agreement.ToDouble(host);
    }

    private static Tensor Theta(MlpPolicy policy)
    {
        var theta = new float[policy.ParameterCount];
        policy.GetParameters(theta);
        return Vector(theta);
    }

    private static Tensor Vector(float[] x) => tensor(Agreement.ToDouble(x), ScalarType.Float64);

    private static Tensor Rows(float[] x, int columns) => Vector(x).view(-1, columns);

    private static double[] Doubles(Tensor t) => t.detach().contiguous().data<double>().ToArray();
}
