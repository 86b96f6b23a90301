using System.Security.Cryptography;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Core.Tests.Checkpoints;

public sealed class PolicyCheckpointTests
{
    private static float[] Random(Pcg64 rng, int n) => Enumerable.Range(0, n).Select(_ => (float)rng.NextGaussian()).ToArray();

    private static DenseLayer[] Layers(Pcg64 rng, int inputs, int[] hidden, int outputs)
    {
        int[] sizes = [inputs, .. hidden, outputs];
        return Enumerable.Range(0, sizes.Length - 1)
            .Select(i => new DenseLayer(sizes[i], sizes[i + 1], Random(rng, sizes[i] * sizes[i + 1]), Random(rng, sizes[i + 1])))
            .ToArray();
    }

    /// <summary>A Pendulum-shaped checkpoint: obs Box(3) with an infinite bound, action Box(1), hidden [5, 4].</summary>
    internal static PolicyCheckpoint Continuous(ulong seed = 1)
    {
        var rng = new Pcg64(seed);
        int[] hidden = [5, 4];
        DenseLayer[] value = Layers(rng, 3, hidden, 1);
        int valueParams = value.Sum(l => l.In * l.Out + l.Out);
        return new PolicyCheckpoint
        {
            EnvId = "Pendulum-v1",
            ObservationSpace = SpaceSpec.Box([-1f, -1f, float.NegativeInfinity], [1f, 1f, 8f]),
            ActionSpace = SpaceSpec.Box([-2f], [2f]),
            ControlPeriod = 0.05,
            Hidden = hidden,
            Activation = "tanh",
            PolicyLayers = Layers(rng, 3, hidden, 1),
            ValueLayers = value,
            LogStd = [-0.5f],
            ObsNorm = new ObservationNormState([0.1, -0.2, 0.3], [1.5, 0.25, 4.0], 2048.0, 10f, 1e-8f),
            ValueOptimizer = new AdamState(17, Random(rng, valueParams), Random(rng, valueParams).Select(MathF.Abs).ToArray()),
            PolicyVersion = 42,
            TotalSteps = 123_456,
            ParentSha256 = new string('a', 63) + "0",
            Hyperparameters = "{\"max_kl\": 0.01, \"gamma\": 0.99}",
            RecordedObservations = Random(rng, 3 * 6),
            Extra = new Dictionary<string, string> { ["note"] = "seeded test" },
        };
    }

    private static PolicyCheckpoint Discrete()
    {
        var rng = new Pcg64(2);
        return new PolicyCheckpoint
        {
            EnvId = "CartPole-v1",
            ObservationSpace = SpaceSpec.Box([-4.8f, float.NegativeInfinity, -0.42f, float.NegativeInfinity], [4.8f, float.PositiveInfinity, 0.42f, float.PositiveInfinity]),
            ActionSpace = SpaceSpec.Discrete(2),
            ControlPeriod = 0.02,
            Hidden = [8],
            Activation = "relu",
            PolicyLayers = Layers(rng, 4, [8], 2),
            ValueLayers = Layers(rng, 4, [8], 1),
            ObsNorm = new ObservationNormState(new double[4], [1, 1, 1, 1], 0, 5f, 1e-4f),
        };
    }

    /// <summary>Rewrites a saved checkpoint's raw content through <paramref name="edit"/> (a way to build broken files).</summary>
    private static void Tamper(string path, Action<List<Tensor>, Dictionary<string, string>> edit)
    {
        SafeTensorsContent c = SafeTensors.Read(path);
        var tensors = c.Tensors.Values.ToList();
        var meta = c.Metadata.ToDictionary();
        edit(tensors, meta);
        SafeTensors.Write(path, tensors, meta);
    }

    private static void Replace(List<Tensor> tensors, Tensor replacement) =>
        tensors[tensors.FindIndex(t => t.Name == replacement.Name)] = replacement;

    private static void AssertSame(PolicyCheckpoint a, PolicyCheckpoint b)
    {
        Assert.Equal(a.EnvId, b.EnvId);
        Assert.Equal(a.ObservationSpace, b.ObservationSpace);
        Assert.Equal(a.ActionSpace, b.ActionSpace);
        Assert.Equal(a.ControlPeriod, b.ControlPeriod);
        Assert.Equal(a.Hidden, b.Hidden);
        Assert.Equal(a.Activation, b.Activation);
        for (int i = 0; i < a.PolicyLayers.Count; i++)
        {
            Assert.Equal(a.PolicyLayers[i].Weight, b.PolicyLayers[i].Weight);
            Assert.Equal(a.PolicyLayers[i].Bias, b.PolicyLayers[i].Bias);
            Assert.Equal(a.ValueLayers[i].Weight, b.ValueLayers[i].Weight);
            Assert.Equal(a.ValueLayers[i].Bias, b.ValueLayers[i].Bias);
        }
        Assert.Equal(a.PolicyLayers.Count, b.PolicyLayers.Count);
        Assert.Equal(a.LogStd, b.LogStd);
        Assert.Equal(a.ObsNorm.Mean, b.ObsNorm.Mean);
        Assert.Equal(a.ObsNorm.Var, b.ObsNorm.Var);
        Assert.Equal((a.ObsNorm.Count, a.ObsNorm.Clip, a.ObsNorm.Epsilon), (b.ObsNorm.Count, b.ObsNorm.Clip, b.ObsNorm.Epsilon));
        Assert.Equal(a.ValueOptimizer?.Step, b.ValueOptimizer?.Step);
        Assert.Equal(a.ValueOptimizer?.M, b.ValueOptimizer?.M);
        Assert.Equal(a.ValueOptimizer?.V, b.ValueOptimizer?.V);
        Assert.Equal(a.PolicyOptimizer?.Step, b.PolicyOptimizer?.Step);
        Assert.Equal(a.PolicyOptimizer?.M, b.PolicyOptimizer?.M);
        Assert.Equal(a.PolicyOptimizer?.V, b.PolicyOptimizer?.V);
        Assert.Equal(a.PenaltyBeta, b.PenaltyBeta);
        Assert.Equal((a.PolicyVersion, a.TotalSteps, a.ParentSha256, a.Hyperparameters), (b.PolicyVersion, b.TotalSteps, b.ParentSha256, b.Hyperparameters));
        Assert.Equal(a.RecordedObservations, b.RecordedObservations);
        Assert.Equal(a.Extra.OrderBy(kv => kv.Key), b.Extra.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void Save_load_save_round_trips_bit_exactly_and_reports_the_file_sha256()
    {
        using var dir = new TempDir();
        PolicyCheckpoint original = Continuous();
        string sha = original.Save(dir.File("a.safetensors"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dir.File("a.safetensors")))), sha);
        Assert.Equal(sha, PolicyCheckpoint.Sha256Of(dir.File("a.safetensors")));

        PolicyCheckpoint loaded = PolicyCheckpoint.Load(dir.File("a.safetensors"));
        AssertSame(original, loaded);
        Assert.Equal(sha, loaded.Save(dir.File("b.safetensors")));
        Assert.Equal(File.ReadAllBytes(dir.File("a.safetensors")), File.ReadAllBytes(dir.File("b.safetensors")));
    }

    [Fact]
    public void A_discrete_policy_round_trips_without_log_std_or_optimiser_state()
    {
        using var dir = new TempDir();
        PolicyCheckpoint original = Discrete();
        string sha = original.Save(dir.File("d.safetensors"));
        PolicyCheckpoint loaded = PolicyCheckpoint.Load(dir.File("d.safetensors"));
        AssertSame(original, loaded);
        Assert.Null(loaded.LogStd);
        Assert.Null(loaded.ValueOptimizer);
        Assert.Null(loaded.ParentSha256);
        Assert.Equal(sha, loaded.Save(dir.File("d2.safetensors")));
    }

    [Fact]
    public void A_linear_policy_without_hidden_layers_round_trips()
    {
        var rng = new Pcg64(4);
        var linear = Continuous() with
        {
            Hidden = [],
            PolicyLayers = Layers(rng, 3, [], 1),
            ValueLayers = Layers(rng, 3, [], 1),
            ValueOptimizer = new AdamState(0, new float[4], new float[4]),
        };
        using var dir = new TempDir();
        string sha = linear.Save(dir.File("l.safetensors"));
        Assert.Equal("", SafeTensors.Read(dir.File("l.safetensors")).Metadata["hidden"]);
        PolicyCheckpoint loaded = PolicyCheckpoint.Load(dir.File("l.safetensors"));
        AssertSame(linear, loaded);
        Assert.Equal(sha, loaded.Save(dir.File("l2.safetensors")));
    }

    [Fact]
    public void The_file_holds_the_contract_tensor_names_and_shapes()
    {
        using var dir = new TempDir();
        Continuous().Save(dir.File("c.safetensors"));
        var c = SafeTensors.Read(dir.File("c.safetensors"));
        string[] expected =
        [
            "policy.0.weight [5, 3]", "policy.0.bias [5]", "policy.1.weight [4, 5]", "policy.1.bias [4]", "policy.2.weight [1, 4]", "policy.2.bias [1]",
            "policy.log_std [1]",
            "value.0.weight [5, 3]", "value.0.bias [5]", "value.1.weight [4, 5]", "value.1.bias [4]", "value.2.weight [1, 4]", "value.2.bias [1]",
            "obs_norm.mean [3]", "obs_norm.var [3]", "obs_norm.count [1]", "value_optim.m [49]", "value_optim.v [49]", "value_optim.step [1]", "recorded.obs [6, 3]",
        ];
        Assert.Equal(expected, c.Tensors.Values.Select(t => $"{t.Name} {Tensor.FormatShape(t.Shape)}"));
        Assert.Equal("5,4", c.Metadata["hidden"]);
        Assert.Equal("1", c.Metadata["format_version"]);
        Assert.Equal("0.05", c.Metadata["control_period"]);
        Assert.Equal("seeded test", c.Metadata["extra.note"]);
        Assert.Equal(SpaceSpec.Box([-1f, -1f, float.NegativeInfinity], [1f, 1f, 8f]), SpaceSpec.Parse(c.Metadata["observation_space"]));
    }

    [Fact]
    public void A_nan_weight_is_refused_on_save_naming_the_tensor()
    {
        PolicyCheckpoint good = Continuous();
        float[] w = (float[])good.PolicyLayers[1].Weight.Clone();
        w[7] = float.NaN;
        var bad = good with { PolicyLayers = [good.PolicyLayers[0], new DenseLayer(5, 4, w, good.PolicyLayers[1].Bias), good.PolicyLayers[2]] };
        using var dir = new TempDir();
        var e = Assert.Throws<InvalidOperationException>(() => bad.Save(dir.File("nan.safetensors")));
        Assert.Contains("'policy.1.weight'", e.Message);
        Assert.Contains("element 7", e.Message);
        Assert.False(File.Exists(dir.File("nan.safetensors")));
    }

    [Fact]
    public void A_nan_or_infinite_value_in_a_file_is_refused_on_load_naming_the_tensor()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        Continuous().Save(path);
        Tamper(path, (t, _) => Replace(t, Tensor.F64("obs_norm.var", [3], [1, double.PositiveInfinity, 1])));
        var e = Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path));
        Assert.Contains("'obs_norm.var'", e.Message);
        Assert.Contains(path, e.Message);
    }

    /// <summary>A KL-penalty run's checkpoint: the policy's Adam state over its 3·5+5 + 5·4+4 + 4·1+1 = 49 network
    /// parameters and one log σ (50 values), and β.</summary>
    private static PolicyCheckpoint Penalty()
    {
        var rng = new Pcg64(9);
        return Continuous() with
        {
            PolicyOptimizer = new AdamState(30, Random(rng, 50), Random(rng, 50).Select(MathF.Abs).ToArray()),
            PenaltyBeta = 0.015625,
        };
    }

    [Fact]
    public void A_penalty_runs_beta_and_policy_optimiser_round_trip_bit_exactly()
    {
        using var dir = new TempDir();
        PolicyCheckpoint original = Penalty();
        string sha = original.Save(dir.File("p.safetensors"));
        PolicyCheckpoint loaded = PolicyCheckpoint.Load(dir.File("p.safetensors"));
        AssertSame(original, loaded);
        Assert.Equal(30, loaded.PolicyOptimizer!.Step);
        Assert.Equal(0.015625, loaded.PenaltyBeta);
        Assert.Equal(sha, loaded.Save(dir.File("p2.safetensors")));
        Assert.Equal("0.015625", SafeTensors.Read(dir.File("p.safetensors")).Metadata["penalty_beta"]);
        // A trust-region checkpoint has neither.
        string plainPath = dir.File("plain.safetensors");
        Continuous().Save(plainPath);
        PolicyCheckpoint plain = PolicyCheckpoint.Load(plainPath);
        Assert.Null(plain.PolicyOptimizer);
        Assert.Null(plain.PenaltyBeta);
    }

    [Fact]
    public void A_policy_optimiser_of_the_wrong_length_or_a_bad_beta_is_refused_naming_it()
    {
        using var dir = new TempDir();
        string path = dir.File("p.safetensors");
        Penalty().Save(path);
        Tamper(path, (t, _) => Replace(t, Tensor.F32("policy_optim.m", [49], new float[49])));
        var e = Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path));
        Assert.Contains("'policy_optim.m' has shape [49]; expected [50]", e.Message);

        Penalty().Save(path);
        Tamper(path, (t, _) => t.RemoveAll(x => x.Name == "policy_optim.step"));
        Assert.Contains("'policy_optim.step' is missing", Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path)).Message);

        foreach (string beta in new[] { "0", "-1", "NaN", "big" })
        {
            Penalty().Save(path);
            Tamper(path, (_, m) => m["penalty_beta"] = beta);
            e = Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path));
            Assert.Contains($"metadata 'penalty_beta' is \"{beta}\"", e.Message);
        }
    }

    [Fact]
    public void A_missing_tensor_is_refused_naming_it()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        Continuous().Save(path);
        Tamper(path, (t, _) => t.RemoveAll(x => x.Name == "value.1.bias"));
        var e = Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path));
        Assert.Contains("'value.1.bias' is missing", e.Message);
        Assert.Contains("F32 [4]", e.Message);
    }

    [Fact]
    public void A_missing_log_std_for_a_continuous_policy_is_refused()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        Continuous().Save(path);
        Tamper(path, (t, _) => t.RemoveAll(x => x.Name == "policy.log_std"));
        Assert.Contains("'policy.log_std' is missing", Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path)).Message);
    }

    [Fact]
    public void A_mismatched_shape_is_refused_naming_the_tensor_and_both_shapes()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        Continuous().Save(path);
        Tamper(path, (t, _) => Replace(t, Tensor.F32("policy.0.weight", [5, 2], new float[10])));
        var e = Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path));
        Assert.Contains("'policy.0.weight' has shape [5, 2]; expected [5, 3]", e.Message);
    }

    [Fact]
    public void Hidden_metadata_that_disagrees_with_the_layers_is_refused()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        Continuous().Save(path);
        Tamper(path, (_, m) => m["hidden"] = "5,4,4");
        var e = Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path));
        Assert.Contains("'policy.2.weight' has shape [1, 4]; expected [4, 4]", e.Message);
    }

    [Fact]
    public void Log_std_on_a_discrete_policy_is_refused_as_unexpected()
    {
        var bad = Discrete() with { LogStd = [0f] };
        using var dir = new TempDir();
        var e = Assert.Throws<InvalidOperationException>(() => bad.Save(dir.File("x.safetensors")));
        Assert.Contains("'policy.log_std' is unexpected", e.Message);
    }

    [Fact]
    public void A_newer_format_version_is_refused_with_an_upgrade_hint()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        Continuous().Save(path);
        Tamper(path, (_, m) => m["format_version"] = "2");
        var e = Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path));
        Assert.Contains("written by a newer TrpoEdge", e.Message);
    }

    [Fact]
    public void Missing_or_unparseable_metadata_is_refused_naming_the_key()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        Continuous().Save(path);
        Tamper(path, (_, m) => m.Remove("env_id"));
        Assert.Contains("'env_id' is missing", Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path)).Message);

        Continuous().Save(path);
        Tamper(path, (_, m) => m["hyperparameters"] = "{not json");
        Assert.Contains("'hyperparameters' is not valid JSON", Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path)).Message);

        Continuous().Save(path);
        Tamper(path, (_, m) => m["control_period"] = "fast");
        Assert.Contains("'control_period'", Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path)).Message);
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        Continuous().Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Saving_over_an_existing_checkpoint_replaces_it_and_leaves_no_temporary_files()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        Continuous(1).Save(path);
        string sha = Continuous(2).Save(path);
        Assert.Equal(sha, PolicyCheckpoint.Sha256Of(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Random_corruption_of_a_checkpoint_is_refused_with_InvalidDataException_never_a_crash()
    {
        byte[] good = Continuous().ToBytes();
        int headerEnd = 8 + (int)BitConverter.ToUInt64(good, 0);
        var rng = new Pcg64(5);
        const string jsonish = "0123456789.-e\"{}[],: abfinlrstx";
        int refused = 0;
        for (int trial = 0; trial < 1500; trial++)
        {
            byte[] file = (byte[])good.Clone();
            // Aim at the header, where metadata and shapes live; data bytes only change values.
            int at = 8 + (int)(rng.NextUInt64() % (ulong)(headerEnd - 8));
            file[at] = (byte)jsonish[(int)(rng.NextUInt64() % (ulong)jsonish.Length)];
            try
            {
                PolicyCheckpoint loaded = PolicyCheckpoint.Parse(file, "fuzz");
                // Whatever still loads must save again (the loader and saver agree on validity).
                loaded.ToBytes();
            }
            catch (InvalidDataException) { refused++; }
        }
        Assert.InRange(refused, 500, 1500);
    }

    [PythonFact]
    public void An_independent_python_reader_finds_every_tensor_where_the_header_says()
    {
        using var dir = new TempDir();
        string path = dir.File("c.safetensors");
        PolicyCheckpoint ckpt = Continuous();
        ckpt.Save(path);

        var peer = PythonPeer.Read(path);
        var tensors = peer["tensors"]!.AsObject();
        Assert.Equal(20, tensors.Count);
        Assert.Equal(ckpt.PolicyLayers[1].Weight.Select(v => (double)v), tensors["policy.1.weight"]!["values"]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal(ckpt.ObsNorm.Var, tensors["obs_norm.var"]!["values"]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal(17, tensors["value_optim.step"]!["values"]![0]!.GetValue<long>());
        Assert.Equal("Pendulum-v1", peer["metadata"]!["env_id"]!.GetValue<string>());
        Assert.Equal("42", peer["metadata"]!["policy_version"]!.GetValue<string>());
    }
}
