using System.Diagnostics;

namespace TrpoEdge.Cli.Tests;

/// <summary>The MuJoCo environments through the built programs: the whole pipeline on Hopper-v4 (train, eval with a
/// rendered GIF, export, runtime --sim), and the one line a machine without the library gets (simulated by pointing
/// TRPOEDGE_MUJOCO_LIBRARY at a file that does not exist), while everything else keeps working.</summary>
public sealed class MujocoCliTests
{
    private static Result RunWith(string program, string dir, IDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        psi.ArgumentList.Add(Programs.Dll(program));
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000)) { p.Kill(entireProcessTree: true); throw new TimeoutException($"{program} ran over 180 s"); }
        return new Result(p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult(), $"{program} {string.Join(' ', args)}");
    }

    [Fact]
    public void Without_the_library_a_mujoco_id_is_one_line_naming_the_package_and_the_rest_still_works()
    {
        using var dir = new TempDir();
        var missing = new Dictionary<string, string> { ["TRPOEDGE_MUJOCO_LIBRARY"] = "/nonexistent/libmujoco.so.2.2.2" };
        Result train = RunWith("trainer", dir.Path, missing, "train", "--env", "Hopper-v4", "--total-steps", "2048", "--out", "run").Expect(2);
        string line = Assert.Single(train.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Hopper-v4", line);
        Assert.Contains("apt-get install libmujoco2.2.2", line);
        Assert.False(Directory.Exists(dir.File("run")), "nothing is written for a run that cannot start");

        Result list = RunWith("trainer", dir.Path, missing, "list").Expect(0);
        Assert.Contains("Pendulum-v1", list.Stdout);
        Assert.Contains("HalfCheetah-v4", list.Stdout);
        // The line naming the package follows the table (wrapped to the console's width, so compare words only).
        string words = string.Join(' ', list.Stdout.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("not available here", words);
        Assert.Contains("apt-get install libmujoco2.2.2", words);
    }

    [Fact]
    public void Hopper_trains_evaluates_with_a_rendered_gif_exports_and_runs_in_the_runtime()
    {
        using var dir = new TempDir();
        var none = new Dictionary<string, string>();
        RunWith("trainer", dir.Path, none, "train", "--env", "Hopper-v4", "--total-steps", "4096", "--out", "run", "--seed", "3",
            "--set", "video_every=0", "--set", "final_eval_episodes=2", "--set", "eval_every=0").Expect(0);
        string ckpt = Path.Combine(dir.Path, "run", "ckpt.safetensors");
        Assert.True(File.Exists(ckpt));
        Result eval = RunWith("trainer", dir.Path, none, "eval", "--checkpoint", ckpt, "--episodes", "2", "--render", "hopper.gif").Expect(0);
        Assert.Contains("Hopper-v4", eval.Stdout);
        Assert.True(new FileInfo(dir.File("hopper.gif")).Length > 1000);
        string model = Path.Combine(dir.Path, "run", "policy.onnx");
        Assert.True(File.Exists(model), "trainer train exports policy.onnx next to the checkpoint");
        Result run = RunWith("runtime", dir.Path, none, "--model", model, "--sim", "Hopper-v4", "--episodes", "2").Expect(0);
        Assert.Contains("return", run.Stdout);
    }
}
