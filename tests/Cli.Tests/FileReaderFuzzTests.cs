using System.Text;
using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Core.Trajectories;
using Microsoft.ML.OnnxRuntime;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Cli.Tests;

/// <summary>Every file reader given truncated and random bytes: it either reads the file or refuses it with one of
/// the exception types the programs turn into a one-line message and exit code 2 (5 for ONNX Runtime), never
/// with a crash type (NullReference, IndexOutOfRange, …) that would surface as a stack trace. Seeded, so a failure
/// replays.</summary>
[Collection(TrainedRunCollection.Name)]
public sealed class FileReaderFuzzTests(TrainedRun trained)
{
    private const int RandomFiles = 200;

    /// <summary>The types the programs report as bad input (see each CLI's error mapping).</summary>
    private static bool Refusal(Exception e) => e is InvalidDataException or FormatException or ArgumentException or IOException
        or SqliteException or YamlDotNet.Core.YamlException or OnnxRuntimeException or PolicyContractException
        or NotSupportedException or System.Text.Json.JsonException or OverflowException;

    /// <summary>Truncations at every length up to 64 bytes, then at a spread of lengths up to the whole file; then
    /// random files of assorted sizes, some starting with the valid file's first bytes so parsing gets further.</summary>
    private static IEnumerable<byte[]> Mutations(byte[] valid, int seed)
    {
        var rng = new Random(seed);
        for (int n = 0; n < Math.Min(64, valid.Length); n++) yield return valid[..n];
        for (int k = 1; k < 48; k++) yield return valid[..(int)((long)valid.Length * k / 48)];
        for (int i = 0; i < RandomFiles; i++)
        {
            var bytes = new byte[rng.Next(1, 4096)];
            rng.NextBytes(bytes);
            if (i % 2 == 1) valid.AsSpan(0, Math.Min(valid.Length, bytes.Length / 2)).CopyTo(bytes);
            yield return bytes;
        }
    }

    private static void Fuzz(string what, byte[] valid, int seed, Action<byte[]> read)
    {
        int tried = 0, refused = 0;
        foreach (byte[] bytes in Mutations(valid, seed))
        {
            tried++;
            try
            {
                read(bytes);
            }
            catch (Exception e) when (Refusal(e))
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(e.Message), $"{what}: an empty message for {bytes.Length} bytes");
            }
            catch (Exception e)
            {
                Assert.Fail($"{what}: {bytes.Length} bytes (mutation {tried}) raised {e.GetType().Name}, which would reach the user as a stack trace: {e.Message}");
            }
        }
        Assert.True(refused > tried / 2, $"{what}: only {refused} of {tried} damaged files were refused");
    }

    [Fact]
    public void Checkpoint_reader() =>
        Fuzz("checkpoint", File.ReadAllBytes(trained.Checkpoint), 1, bytes => PolicyCheckpoint.Parse(bytes, "fuzz.safetensors"));

    [Fact]
    public void Onnx_model_reader()
    {
        var plant = new PlantDescription("Pendulum-v1", SpaceConversion.ToSpec(EnvRegistry.Make("Pendulum-v1").ObservationSpace),
            SpaceConversion.ToSpec(EnvRegistry.Make("Pendulum-v1").ActionSpace), 0.05);
        using var dir = new TempDir();
        string path = dir.File("model.onnx");
        Fuzz("ONNX model", File.ReadAllBytes(trained.Model), 2, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            using PolicySession session = PolicySession.Open(ModelFile.Read(path), plant);
        });
    }

    [Fact]
    public void Trajectory_store_reader()
    {
        using var dir = new TempDir();
        string path = dir.File("field.db");
        Fuzz("trajectory store", File.ReadAllBytes(trained.Store), 3, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            using TrajectoryReader reader = TrajectoryReader.Open(path);
            foreach (EpisodeData _ in reader.ReadEpisodes()) { }
        });
    }

    [Fact]
    public void Rig_yaml_reader() =>
        Fuzz("rig YAML", File.ReadAllBytes(Path.Combine(Programs.Root, "hardware", "rigs", "direct-drive.yaml")), 4,
            bytes => RigSpec.Parse(Encoding.UTF8.GetString(bytes), "fuzz.yaml"));

    [Fact]
    public void Training_config_yaml_reader() =>
        Fuzz("config YAML", File.ReadAllBytes(Path.Combine(Programs.Root, "trainer", "configs", "Pendulum-v1.yml")), 5,
            bytes => TrainingConfig.Parse(Encoding.UTF8.GetString(bytes), "fuzz.yml", "Pendulum-v1", new TrainingOptions { EnvId = "Pendulum-v1" }));
}
