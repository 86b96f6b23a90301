using System.Diagnostics;
using TrpoEdge.Trainer.Gpu.Device;

namespace TrpoEdge.Gpu.Tests;

/// <summary>`--device`: parsing, and a clear refusal (exit 2, nothing written) where no CUDA device exists — which is
/// every CI machine; on a machine with a GPU the same tests check that the device opens instead.</summary>
public sealed class DeviceSelectionTests
{
    [Theory]
    [InlineData("cpu", false, 0)]
    [InlineData("cuda", true, 0)]
    [InlineData("CUDA:3", true, 3)]
    public void Device_names_parse(string text, bool cuda, int ordinal)
    {
        DeviceSpec spec = DeviceSpec.Parse(text);
        Assert.Equal(cuda, spec.IsCuda);
        Assert.Equal(ordinal, spec.Ordinal);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:one")]
    public void Bad_device_names_are_refused_with_the_accepted_forms(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceSpec.Parse(text));
        Assert.Contains("cuda:N", e.Message);
    }

    [Fact]
    public void Opening_cuda_without_a_device_says_so()
    {
        if (GpuDevice.ListCuda().Count > 0)
        {
            using GpuDevice device = GpuDevice.OpenCuda(0);
            Assert.True(device.IsCuda);
            return;
        }
        var e = Assert.Throws<NotSupportedException>(() => GpuDevice.OpenCuda(0));
        Assert.Contains("--device cpu", e.Message);
    }

    [Fact]
    public void Trainer_cli_refuses_cuda_without_a_device_and_writes_nothing()
    {
        if (GpuDevice.ListCuda().Count > 0) return; // a GPU machine would start training here
        string dll = TrainerDll();
        string runDir = Path.Combine(Path.GetTempPath(), "trpoedge-nocuda-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { dll, "train", "--device", "cuda", "--total-steps", "1000", "--out", runDir }) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "trainer did not exit");
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("no CUDA device", output.Replace("\n", " "));
        Assert.False(Directory.Exists(runDir), "a run directory was created although training was refused");
    }

    private static string TrainerDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TrpoEdge.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        string dll = Path.Combine(dir!.FullName, "trainer", "cli", "bin", configuration, "net10.0", "trainer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build trainer/cli first");
        return dll;
    }
}
