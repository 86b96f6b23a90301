using System.Diagnostics;
using System.Runtime.InteropServices;
using TrpoEdge.Runtime.OnnxRuntime;

namespace TrpoEdge.Runtime.Tests;

public sealed class NativeLibraryTests
{
    [Fact]
    public void The_build_puts_the_library_next_to_the_test_assembly_and_it_is_the_first_candidate()
    {
        string first = OrtNativeLibrary.Candidates(explicitPath: null)[0];
        Assert.Equal(Path.Combine(Path.GetDirectoryName(typeof(OrtNativeLibrary).Assembly.Location)!, OrtNativeLibrary.FileName), first);
        Assert.True(File.Exists(first), $"{first} is missing: the runtime library's build should have copied it");
    }

    [Fact]
    public void An_explicit_path_that_does_not_exist_is_the_only_candidate_and_is_named()
    {
        var e = Assert.Throws<DllNotFoundException>(() => OrtNativeLibrary.Load("/no/such/dir/libonnxruntime.so.1", out _));
        Assert.Contains("/no/such/dir/libonnxruntime.so.1 (from TRPOEDGE_ORT_LIB): not found", e.Message);
        Assert.Contains("unset it to use the copy the build fetched", e.Message);
        Assert.Single(OrtNativeLibrary.Candidates("/no/such/dir/libonnxruntime.so.1"));
    }

    [Fact]
    public void A_garbage_file_is_reported_as_not_loadable()
    {
        using var dir = new TempDir();
        string fake = dir.File(OrtNativeLibrary.FileName);
        File.WriteAllText(fake, "not a shared library");
        var e = Assert.Throws<DllNotFoundException>(() => OrtNativeLibrary.Load(fake, out _));
        Assert.Contains($"{fake} (from TRPOEDGE_ORT_LIB): exists but could not be loaded", e.Message);
    }

    [Fact]
    public void A_real_shared_library_that_is_not_onnx_runtime_is_refused()
    {
        if (!OperatingSystem.IsLinux()) return; // the probe library below is Linux's
        string other = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        Assert.True(File.Exists(other), other);
        var e = Assert.Throws<DllNotFoundException>(() => OrtNativeLibrary.Load(other, out _));
        Assert.Contains("does not export OrtGetApiBase", e.Message);
    }

    [Fact]
    public void The_fetch_script_without_npm_and_an_empty_cache_fails_saying_what_to_install()
    {
        if (OperatingSystem.IsWindows()) return; // the script is bash
        using var cache = new TempDir();
        var (code, _, err) = Script(cache.Path, npm: "/nonexistent/npm");
        Assert.Equal(3, code);
        Assert.Contains("npm ('/nonexistent/npm') is not installed", err);
        Assert.Contains("TRPOEDGE_ORT_LIB", err);
    }

    [Fact]
    public void The_fetch_script_with_a_filled_cache_needs_no_npm_and_copies_to_the_destination()
    {
        if (OperatingSystem.IsWindows()) return;
        using var cache = new TempDir();
        string arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64";
        string os = OperatingSystem.IsMacOS() ? "darwin" : "linux";
        string cached = Path.Combine(cache.Path, $"{os}-{arch}", OrtNativeLibrary.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        File.WriteAllText(cached, "cached library");
        string dest = Path.Combine(cache.Path, "dest");
        var (code, stdout, err) = Script(cache.Path, npm: "/nonexistent/npm", dest);
        Assert.True(code == 0, err);
        Assert.Equal(cached, stdout.Trim());
        Assert.Equal("cached library", File.ReadAllText(Path.Combine(dest, OrtNativeLibrary.FileName)));
    }

    private static (int Code, string Stdout, string Stderr) Script(string cache, string npm, string? dest = null)
    {
        string script = FindScript();
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        if (dest is not null) psi.ArgumentList.Add(dest);
        psi.Environment["TRPOEDGE_ORT_CACHE"] = cache;
        psi.Environment["TRPOEDGE_NPM"] = npm;
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr);
    }

    private static string FindScript()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string p = Path.Combine(d.FullName, "scripts", "fetch-onnxruntime.sh");
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException("scripts/fetch-onnxruntime.sh not found above " + AppContext.BaseDirectory);
    }
}
