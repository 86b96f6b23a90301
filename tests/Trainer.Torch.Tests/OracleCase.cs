using TrpoEdge.Core.Spaces;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Torch.Tests;

/// <summary>One random network shape for the oracle: activation, hidden widths, observation size and action space.
/// Together the cases cover tanh and relu, one to three hidden layers, Box actions of 1–6 dimensions and Discrete
/// ones of 2–5 actions.</summary>
public sealed record OracleCase(string Name, Activation Activation, int[] Hidden, int Observations, bool Box, int Actions)
{
    public const int Batch = 48;

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static IReadOnlyList<OracleCase> All { get; } =
    [
        new("tanh-[16]-box1", Activation.Tanh, [16], 3, true, 1),
        new("relu-[16,12]-box3", Activation.Relu, [16, 12], 5, true, 3),
        new("tanh-[12,10,8]-box6", Activation.Tanh, [12, 10, 8], 4, true, 6),
        new("relu-[10,10,10]-box2", Activation.Relu, [10, 10, 10], 2, true, 2),
        new("tanh-[16,16]-discrete2", Activation.Tanh, [16, 16], 4, false, 2),
        new("relu-[12]-discrete3", Activation.Relu, [12], 6, false, 3),
        new("relu-[8,8,8]-discrete5", Activation.Relu, [8, 8, 8], 3, false, 5),
        new("tanh-[9,7,5]-discrete4", Activation.Tanh, [9, 7, 5], 5, false, 4),
    ];

    public static OracleCase Get(string name) => All.Single(c => c.Name == name);

    private int Seed => Name.Aggregate(17, (h, ch) => h * 31 + ch) & 0x7FFFFFFF;

    /// <summary>A policy with every parameter perturbed away from the orthogonal initialisation (whose 0.01 head
    /// gain makes outputs nearly constant), so every term of every derivative matters.</summary>
    public MlpPolicy Policy(int salt = 0)
    {
        SpaceSpec observation = SpaceSpec.Box(Enumerable.Repeat(-10f, Observations).ToArray(), Enumerable.Repeat(10f, Observations).ToArray());
        SpaceSpec action = Box
            ? SpaceSpec.Box(Enumerable.Repeat(-2f, Actions).ToArray(), Enumerable.Repeat(2f, Actions).ToArray())
            : SpaceSpec.Discrete(Actions);
        MlpPolicy policy = PolicyFactory.CreatePolicy(observation, action, Hidden, Activation, -0.4, (ulong)Seed);
        Perturb(policy, Seed + salt);
        return policy;
    }

    public Mlp Critic()
    {
        var net = new Mlp(Observations, Hidden, 1, Activation);
        net.InitOrthogonal((ulong)Seed + 1, MathF.Sqrt(2f), 1f);
        var rng = new Random(Seed + 2);
        Span<float> p = net.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] += (float)(rng.NextDouble() - 0.5) * 0.4f;
        return net;
    }

    /// <summary>Normalised observations: standard normal, clipped to ±5 as the normaliser clips.</summary>
    public float[] ObservationBatch(int seed = 1) => Gaussian(Batch * Observations, Seed + seed, 1.0, 5.0);

    /// <summary>Actions drawn from the policy at <paramref name="observations"/>, with log-probabilities of a nearby
    /// behaviour policy (so the importance ratios are not all 1) and advantages.</summary>
    public (float[] Actions, double[] Behaviour, float[] Advantages) Samples(MlpPolicy policy, float[] observations)
    {
        var outputs = new float[Batch * policy.OutputSize];
        policy.Forward(observations, Batch, outputs);
        var rng = new TrpoEdge.Sim.Random.Pcg64((ulong)Seed + 3);
        var actions = new float[Batch * policy.ActionSize];
        var behaviour = new double[Batch];
        var noise = new Random(Seed + 4);
        for (int i = 0; i < Batch; i++)
            behaviour[i] = policy.Sample(outputs.AsSpan(i * policy.OutputSize, policy.OutputSize), rng, actions.AsSpan(i * policy.ActionSize, policy.ActionSize))
                + (noise.NextDouble() - 0.5) * 0.4;
        float[] advantages = Gaussian(Batch, Seed + 5, 1.0, 4.0);
        return (actions, behaviour, advantages);
    }

    public float[] Direction(int length, int seed) => Gaussian(length, Seed + 100 + seed, 1.0, 4.0);

    private static void Perturb(MlpPolicy policy, int seed)
    {
        var rng = new Random(seed);
        var theta = new float[policy.ParameterCount];
        policy.GetParameters(theta);
        for (int i = 0; i < theta.Length; i++) theta[i] += (float)(rng.NextDouble() - 0.5) * 0.5f;
        policy.SetParameters(theta);
    }

    private static float[] Gaussian(int n, int seed, double scale, double clip)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) * scale;
            x[i] = (float)Math.Clamp(z, -clip, clip);
        }
        return x;
    }
}
