using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Exporter.Onnx.Proto;

namespace TrpoEdge.Exporter;

/// <summary>Checkpoint in, ONNX policy model out. The trainer calls <see cref="Export(string, string)"/>
/// after its final checkpoint; the <c>exporter</c> CLI adds the summary table and <c>--verify</c>.</summary>
public static class PolicyExporter
{
    /// <summary>Exports <paramref name="checkpointPath"/> to <paramref name="onnxPath"/>, replacing an existing file.</summary>
    public static ExportSummary Export(string checkpointPath, string onnxPath) => Export(checkpointPath, onnxPath, overwrite: true);

    /// <exception cref="ExportInputException">The checkpoint is missing or refused, or the output exists and
    /// <paramref name="overwrite"/> is false.</exception>
    public static ExportSummary Export(string checkpointPath, string onnxPath, bool overwrite)
    {
        var clock = Stopwatch.StartNew();
        PolicyCheckpoint checkpoint = LoadCheckpoint(checkpointPath);
        string sha = PolicyCheckpoint.Sha256Of(checkpointPath);
        return Write(checkpoint, sha, checkpointPath, onnxPath, overwrite, clock);
    }

    /// <summary>Exports a checkpoint already in memory; <paramref name="checkpointSha256"/> is recorded as the
    /// model's provenance, so pass the SHA-256 of the file it was saved to.</summary>
    public static ExportSummary Export(PolicyCheckpoint checkpoint, string checkpointSha256, string onnxPath, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!Sha256Hex.IsValid(checkpointSha256))
            throw new ArgumentException(
                $"Checkpoint SHA-256 \"{checkpointSha256}\" is not 64 lower-case hex digits; pass what PolicyCheckpoint.Save returned.",
                nameof(checkpointSha256));
        return Write(checkpoint, checkpointSha256, "(in memory)", onnxPath, overwrite, Stopwatch.StartNew());
    }

    /// <summary>Loads a checkpoint, turning the checkpoint reader's refusal (which names the tensor) into an
    /// <see cref="ExportInputException"/> that keeps its message.</summary>
    public static PolicyCheckpoint LoadCheckpoint(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        if (!File.Exists(checkpointPath))
            throw new ExportInputException(
                $"Checkpoint file \"{checkpointPath}\" does not exist. Pass the .safetensors file that `trainer train` wrote (RUN/ckpt.safetensors).");
        try
        {
            return PolicyCheckpoint.Load(checkpointPath);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or JsonException
                                      or ArgumentException or InvalidOperationException or NotSupportedException or OverflowException)
        {
            throw new ExportInputException($"Checkpoint \"{checkpointPath}\" was refused: {e.Message}", e);
        }
    }

    private static ExportSummary Write(PolicyCheckpoint checkpoint, string checkpointSha256, string checkpointPath,
        string onnxPath, bool overwrite, Stopwatch clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxPath);
        // --force overwrites an earlier model, never the checkpoint it is made from.
        if (checkpointPath != "(in memory)" && Core.Files.FilePaths.Same(onnxPath, checkpointPath))
            throw new ExportInputException($"Output \"{onnxPath}\" is the checkpoint being exported; writing the model there would destroy it. Choose another path, e.g. policy.onnx.");
        if (Directory.Exists(onnxPath))
            throw new ExportInputException($"Output \"{onnxPath}\" is a folder; give a file path such as {Path.Combine(onnxPath, "policy.onnx")}.");
        if (!overwrite && File.Exists(onnxPath))
            throw new ExportInputException($"Output \"{onnxPath}\" already exists. Choose another path, or pass --force to overwrite it.");

        PolicyNetwork network;
        try { network = PolicyNetwork.From(checkpoint); }
        catch (InvalidDataException e) { throw new ExportInputException($"Checkpoint \"{checkpointPath}\" was refused: {e.Message}", e); }

        ModelProto model = PolicyGraphBuilder.Build(network, checkpointSha256);
        byte[] bytes = model.ToByteArray();

        string full = Path.GetFullPath(onnxPath);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        // Write beside the target and rename, so a reader never sees half a model (the runtime may be watching).
        string temp = full + $".{Environment.ProcessId}.tmp";
        try
        {
            using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(full))
        {
            File.Delete(temp);
            throw new ExportInputException($"Output \"{onnxPath}\" already exists. Choose another path, or pass --force to overwrite it.");
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        clock.Stop();

        return new ExportSummary
        {
            OnnxPath = full,
            CheckpointPath = checkpointPath,
            CheckpointSha256 = checkpointSha256,
            FileSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            FileBytes = bytes.Length,
            Inputs = model.Graph.Input.Select(ModelPort.From).ToArray(),
            Outputs = model.Graph.Output.Select(ModelPort.From).ToArray(),
            Metadata = model.MetadataProps.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)).ToArray(),
            ParameterCount = network.ParameterCount,
            PolicyVersion = checkpoint.PolicyVersion,
            Elapsed = clock.Elapsed,
        };
    }
}
