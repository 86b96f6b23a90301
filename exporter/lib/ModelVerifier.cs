using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim.Random;
using Microsoft.ML.OnnxRuntime.Tensors;
using TrpoEdge.Runtime.Inference;

namespace TrpoEdge.Exporter;

/// <summary>Loads a written model with ONNX Runtime and holds every output to the trainer's forward pass
/// (<see cref="PolicyReferenceForward"/>) on random and recorded observations, and its names and
/// metadata to the contract. This is what <c>exporter --verify</c> runs.</summary>
public static class ModelVerifier
{
    /// <summary>Observation-space bounds beyond this magnitude are Gymnasium's stand-ins for "unbounded"
    /// (CartPole's velocities are ±float.MaxValue); sampling them would only test the clip.</summary>
    private const float UnboundedMagnitude = 1e6f;

    /// <summary>Loads the checkpoint (refusals become <see cref="ExportInputException"/>) and verifies the model
    /// written from it, including that the model names this checkpoint file's SHA-256.</summary>
    public static VerificationReport Verify(string onnxPath, string checkpointPath, VerificationOptions? options = null) =>
        Verify(onnxPath, PolicyExporter.LoadCheckpoint(checkpointPath), PolicyCheckpoint.Sha256Of(checkpointPath), options);

    public static VerificationReport Verify(string onnxPath, PolicyCheckpoint checkpoint, string checkpointSha256,
        VerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        options ??= new VerificationOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        var reference = new PolicyReferenceForward(checkpoint);
        PolicyNetwork net = reference.Network;
        var failures = new List<string>();

        using var runner = new OnnxPolicyRunner(onnxPath, net.ObservationSize, net.HeadSize, net.IsDiscrete, new InferenceOptions { Device = options.Device });
        CheckContract(runner.Session, net, checkpointSha256, failures);

        float[] random = RandomObservations(net, options);
        float[] recorded = RecordedSample(checkpoint, net.ObservationSize, options.MaxRecordedObservations);
        float[] probes = ClipProbes(net, options);
        var worst = new WorstDifference();
        if (failures.Count == 0)
        {
            Compare(runner, reference, random, "random", options, worst, failures);
            Compare(runner, reference, recorded, "recorded", options, worst, failures);
            Compare(runner, reference, probes, "clip probe", options, worst, failures);
            if (worst.Diff > options.Tolerance)
                failures.Insert(0, $"\"{worst.Output}\" differs from the reference forward pass by "
                    + $"{worst.Diff.ToString("G3", CultureInfo.InvariantCulture)} (> {options.Tolerance.ToString("G3", CultureInfo.InvariantCulture)})");
        }

        return new VerificationReport
        {
            Passed = failures.Count == 0,
            Tolerance = options.Tolerance,
            RandomObservations = random.Length / net.ObservationSize,
            RecordedObservations = recorded.Length / net.ObservationSize,
            ClipProbeObservations = probes.Length / net.ObservationSize,
            WorstAbsDifference = worst.Diff,
            WorstOutput = worst.Output,
            WorstObservation = worst.Observation,
            WorstSource = worst.Source,
            Failures = failures,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>Names, element types and metadata, as ONNX Runtime reads them back.</summary>
    private static void CheckContract(OnnxModel session, PolicyNetwork net, string checkpointSha256, List<string> failures)
    {
        int head = net.HeadSize;
        var expectedOutputs = net.IsDiscrete
            ? new (string Name, TensorElementType Type, int Rank)[]
            {
                (PolicyModelContract.ActionOutput, TensorElementType.Int64, 1),
                (PolicyModelContract.LogitsOutput, TensorElementType.Float, 2),
            }
            : [
                (PolicyModelContract.ActionOutput, TensorElementType.Float, 2),
                (PolicyModelContract.ActionMeanOutput, TensorElementType.Float, 2),
                (PolicyModelContract.ActionLogStdOutput, TensorElementType.Float, 2),
            ];
        NodeInfo? input = session.FindInput(PolicyModelContract.ObservationInput);
        if (input is null || input.ElementType != TensorElementType.Float || input.Dimensions.Count != 2 || input.Dimensions[1] != net.ObservationSize)
            failures.Add($"input \"{PolicyModelContract.ObservationInput}\" should be float32 [batch, {net.ObservationSize}]; "
                + $"ONNX Runtime reports {(input is null ? "no such input" : input.ToString())}");
        foreach (var (name, type, rank) in expectedOutputs)
        {
            NodeInfo? o = session.FindOutput(name);
            bool ok = o is not null && o.ElementType == type && o.Dimensions.Count == rank && (rank == 1 || o.Dimensions[1] == head);
            if (!ok) failures.Add($"output \"{name}\" should be {type} of rank {rank}; ONNX Runtime reports {(o is null ? "no such output" : o.ToString())}");
        }

        OnnxModelMetadata meta = session.Metadata;
        if (meta.ProducerName != PolicyModelContract.ProducerName)
            failures.Add($"producer name is \"{meta.ProducerName}\", expected \"{PolicyModelContract.ProducerName}\"");
        if (meta.Version != net.Checkpoint.PolicyVersion)
            failures.Add($"model version is {meta.Version}, expected the policy version {net.Checkpoint.PolicyVersion}");
        foreach (var (key, value) in PolicyGraphBuilder.Metadata(net.Checkpoint, checkpointSha256))
        {
            string? actual = meta.LookupCustomMetadata(key);
            if (actual != value) failures.Add($"metadata \"{key}\" is {(actual is null ? "missing" : $"\"{actual}\"")}, expected \"{value}\"");
        }
    }

    private static void Compare(OnnxPolicyRunner runner, PolicyReferenceForward reference, float[] observations, string source,
        VerificationOptions options, WorstDifference worst, List<string> failures)
    {
        PolicyNetwork net = reference.Network;
        int obsDim = net.ObservationSize, head = net.HeadSize;
        int total = observations.Length / obsDim;
        var refHead = new float[head];
        var refAction = new float[head];
        int argmaxMismatches = 0;

        for (int start = 0; start < total; start += options.BatchSize)
        {
            int rows = Math.Min(options.BatchSize, total - start);
            ReadOnlySpan<float> obs = observations.AsSpan(start * obsDim, rows * obsDim);
            Dictionary<string, float[]> floats = runner.Run(obs, rows, out long[]? actions);

            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> x = obs.Slice(r * obsDim, obsDim);
                reference.Head(x, refHead);
                int index = start + r;
                if (net.IsDiscrete)
                {
                    Track(worst, PolicyModelContract.LogitsOutput, floats[PolicyModelContract.LogitsOutput].AsSpan(r * head, head), refHead, x, source, index);
                    long chosen = actions![r];
                    float best = refHead.Max();
                    // ONNX Runtime's logits are within the tolerance of the reference, so it may pick any action whose
                    // reference logit is within twice the tolerance of the best; anything else is a real disagreement.
                    if (chosen < 0 || chosen >= head || refHead[(int)chosen] < best - 2 * options.Tolerance)
                    {
                        if (argmaxMismatches++ == 0)
                            failures.Add($"\"{PolicyModelContract.ActionOutput}\" is {chosen} but the reference logits "
                                + $"[{string.Join(", ", refHead.Select(v => v.ToString("G9", CultureInfo.InvariantCulture)))}] pick "
                                + $"{Array.IndexOf(refHead, best)} at {source} #{index} obs [{Format(x)}]");
                    }
                }
                else
                {
                    reference.ClipToBounds(refHead, refAction);
                    Track(worst, PolicyModelContract.ActionMeanOutput, floats[PolicyModelContract.ActionMeanOutput].AsSpan(r * head, head), refHead, x, source, index);
                    Track(worst, PolicyModelContract.ActionOutput, floats[PolicyModelContract.ActionOutput].AsSpan(r * head, head), refAction, x, source, index);
                    Track(worst, PolicyModelContract.ActionLogStdOutput, floats[PolicyModelContract.ActionLogStdOutput].AsSpan(r * head, head), reference.LogStd, x, source, index);
                }
            }
        }
        if (argmaxMismatches > 1) failures.Add($"{argmaxMismatches} {source} observations got a different discrete action in all");
    }

    private static void Track(WorstDifference worst, string output, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected,
        ReadOnlySpan<float> observation, string source, int index)
    {
        for (int j = 0; j < expected.Length; j++)
        {
            // A NaN on either side counts as an infinite difference (NaN comparisons are always false).
            double d = Math.Abs((double)actual[j] - expected[j]);
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            if (d > worst.Diff || worst.Output.Length == 0)
            {
                worst.Diff = d;
                worst.Output = output;
                worst.Observation = observation.ToArray();
                worst.Source = $"{source} #{index}";
            }
        }
    }

    /// <summary>Uniform over the observation space's bounds where finite and sensible, else over the
    /// normaliser's mean ± 5 standard deviations.</summary>
    public static float[] RandomObservations(PolicyNetwork net, VerificationOptions options)
    {
        int obsDim = net.ObservationSize;
        var lo = new double[obsDim];
        var hi = new double[obsDim];
        float[] low = net.Checkpoint.ObservationSpace.Low, high = net.Checkpoint.ObservationSpace.High;
        for (int j = 0; j < obsDim; j++)
        {
            double spread = 5.0 * net.NormStd[j];
            lo[j] = float.IsFinite(low[j]) && Math.Abs(low[j]) < UnboundedMagnitude ? low[j] : net.NormMean[j] - spread;
            hi[j] = float.IsFinite(high[j]) && Math.Abs(high[j]) < UnboundedMagnitude ? high[j] : net.NormMean[j] + spread;
        }
        var rng = new Pcg64(options.Seed);
        var obs = new float[options.RandomObservations * obsDim];
        for (int i = 0; i < obs.Length; i++)
        {
            int j = i % obsDim;
            obs[i] = (float)(lo[j] + (hi[j] - lo[j]) * rng.NextDouble());
        }
        return obs;
    }

    /// <summary>Uniform over mean ± 1.5·clip·std in every dimension, so that about a third of each
    /// dimension's values are clipped by the normaliser.</summary>
    public static float[] ClipProbes(PolicyNetwork net, VerificationOptions options)
    {
        int obsDim = net.ObservationSize;
        var rng = new Pcg64(options.Seed ^ 0x9E3779B97F4A7C15UL);
        var obs = new float[options.ClipProbeObservations * obsDim];
        for (int i = 0; i < obs.Length; i++)
        {
            int j = i % obsDim;
            double half = 1.5 * net.NormClip * net.NormStd[j];
            obs[i] = (float)(net.NormMean[j] + half * (2 * rng.NextDouble() - 1));
        }
        return obs;
    }

    /// <summary>At most <paramref name="max"/> recorded observations, evenly spaced over the recording.</summary>
    public static float[] RecordedSample(PolicyCheckpoint checkpoint, int obsDim, int max)
    {
        float[]? all = checkpoint.RecordedObservations;
        if (all is null || all.Length == 0 || max == 0) return [];
        int n = all.Length / obsDim;
        int take = Math.Min(n, max);
        var result = new float[take * obsDim];
        for (int k = 0; k < take; k++)
        {
            int row = (int)((long)k * n / take);
            all.AsSpan(row * obsDim, obsDim).CopyTo(result.AsSpan(k * obsDim));
        }
        return result;
    }

    private static string Format(ReadOnlySpan<float> x) =>
        string.Join(", ", x.ToArray().Select(v => v.ToString("G9", CultureInfo.InvariantCulture)));
}
