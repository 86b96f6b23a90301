using TrpoEdge.Runtime.Inference;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

/// <summary><c>--device</c>: parsing, and what happens without CUDA. This machine (and CI) has no GPU and the test
/// build carries the CPU-only ONNX Runtime, so the CUDA paths tested here are the refusals; CUDA inference itself
/// is not exercised by any test.</summary>
public sealed class InferenceDeviceTests
{
    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0, "cpu")]
    [InlineData("CPU", DeviceKind.Cpu, 0, "cpu")]
    [InlineData("cuda", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("cuda:0", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData(" cuda:3 ", DeviceKind.Cuda, 3, "cuda:3")]
    public void Parses_the_spellings_and_prints_them_back(string text, DeviceKind kind, int index, string printed)
    {
        InferenceDevice d = InferenceDevice.Parse(text);
        Assert.Equal(kind, d.Kind);
        Assert.Equal(index, d.Index);
        Assert.Equal(printed, d.ToString());
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("cuda0")]
    public void Anything_else_is_refused_listing_the_accepted_spellings(string text)
    {
        var e = Assert.Throws<FormatException>(() => InferenceDevice.Parse(text));
        Assert.Contains($"Unknown device \"{text}\"", e.Message);
        Assert.Contains("use cpu, cuda or cuda:N", e.Message);
    }

    [Fact]
    public void Cuda_on_the_cpu_build_is_refused_in_one_line_naming_the_gpu_build_and_cuda_13_and_cudnn_9()
    {
        var e = Assert.Throws<DeviceUnavailableException>(() => new OnnxModel(new TestPolicy().Build(), new InferenceOptions { Device = InferenceDevice.Cuda(1) }));
        Assert.Equal(InferenceDevice.Cuda(1), e.Device);
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("--device cuda:1: this build carries the CPU-only ONNX Runtime 1.32.0", e.Message);
        Assert.Contains("-p:OrtGpu=true", e.Message);
        Assert.Contains("CUDA 13", e.Message);
        Assert.Contains("cuDNN 9", e.Message);
        Assert.Contains("--device cpu", e.Message);
    }

    [Fact]
    public void The_library_probe_names_exactly_the_libraries_that_do_not_load()
    {
        if (!OperatingSystem.IsLinux()) return; // the present library below is glibc's
        var missing = CudaProbe.Missing([("libc.so.6", "C library"), ("libcublasLt.so.99", "a cuBLASLt that does not exist")]);
        Assert.Equal(["libcublasLt.so.99 (a cuBLASLt that does not exist)"], missing);
    }

    [Fact]
    public void The_probe_checks_what_orts_cuda_provider_links_against()
    {
        // ORT 1.32's libonnxruntime_providers_cuda.so NEEDs these (readelf -d); a probe that forgot one would let ORT
        // fail later with only "Failed to load shared library".
        if (!OperatingSystem.IsLinux()) return;
        Assert.Equal(["libcuda.so.1", "libcudart.so.13", "libcublasLt.so.13", "libcublas.so.13", "libcurand.so.10"],
            CudaProbe.RequiredLibraries.Select(l => l.Library));
    }

    [Fact]
    public void Runtime_cli_with_device_cuda_exits_6_with_one_line_and_bad_devices_exit_2()
    {
        using var dir = new TempDir();
        var (_, model) = ExportedPolicies.Export(ExportedPolicies.PendulumCheckpoint(seed: 8), dir.Path);

        var (code, stdout, stderr) = RuntimeCli.Run("--model", model, "--sim", "Pendulum-v1", "--device", "cuda");
        Assert.True(code == 6, $"exit {code}: {stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("runtime: --device cuda:0: this build carries the CPU-only ONNX Runtime", line);
        Assert.DoesNotContain("return mean", stdout);

        (code, _, stderr) = RuntimeCli.Run("--model", model, "--sim", "Pendulum-v1", "--device", "tpu");
        Assert.Equal(2, code);
        Assert.Contains("Unknown device \"tpu\"", stderr);

        (code, stdout, stderr) = RuntimeCli.Run("--model", model, "--sim", "Pendulum-v1", "--device", "cpu");
        Assert.True(code == 0, stderr);
        Assert.Contains("on cpu", stdout);

        (code, stdout, _) = RuntimeCli.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("--device", stdout);
        Assert.Contains("6 the --device asked for is not available here", stdout);
    }
}
