using System.Diagnostics;
using System.Text;
using TrpoEdge.Sim.Mujoco;

namespace TrpoEdge.Sim.Tests.Mujoco;

/// <summary>The binding against the installed library: the compiled-in struct offsets equal <c>offsetof</c> in a C
/// program built against the installed 2.2.2 headers (Debian's libmujoco-dev and gcc, which scripts/test.sh installs),
/// and a machine without the library gets one line naming the Debian package.</summary>
public sealed class MujocoNativeTests
{
    [Fact]
    public void Compiled_in_offsets_match_the_installed_headers()
    {
        Assert.True(File.Exists("/usr/include/mujoco/mujoco.h"),
            "MuJoCo's headers are missing: install the Debian package libmujoco-dev (scripts/test.sh does).");
        string dir = Directory.CreateTempSubdirectory("mjlayout").FullName;
        try
        {
            var c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <mujoco/mujoco.h>\nint main(void) {\n");
            c.Append("  printf(\"version %d\\n\", mj_version());\n");
            foreach (var (type, field, _) in MujocoLayout.All)
            {
                string expr = field == "sizeof" ? $"sizeof({type})" : $"offsetof({type}, {field})";
                c.Append($"  printf(\"{type}.{field} %zu\\n\", {expr});\n");
            }
            c.Append("  return 0;\n}\n");
            File.WriteAllText(Path.Combine(dir, "layout.c"), c.ToString());
            string exe = Path.Combine(dir, "layout");
            (int rc, string output) = Run("gcc", $"-o {exe} {Path.Combine(dir, "layout.c")} -lmujoco");
            Assert.True(rc == 0, "gcc could not build the layout probe: " + output);
            (rc, output) = Run(exe, "");
            Assert.Equal(0, rc);
            var printed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => long.Parse(p[1]));
            Assert.Equal(MujocoLibrary.RequiredVersion, printed["version"]);
            foreach (var (type, field, offset) in MujocoLayout.All)
                Assert.True(printed[$"{type}.{field}"] == offset, $"{type}.{field}: compiled in {offset}, the headers say {printed[$"{type}.{field}"]}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int, string) Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    [Fact]
    public void A_missing_library_is_one_line_naming_the_debian_package()
    {
        var e = Assert.Throws<MujocoUnavailableException>(() => MujocoLibrary.Load(["libmujoco-not-installed.so.9"], "Hopper-v4"));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("Hopper-v4", e.Message);
        Assert.Contains("apt-get install libmujoco2.2.2", e.Message);
        Assert.IsAssignableFrom<NotSupportedException>(e); // what the CLIs print as one line with exit code 2
    }

    [Fact]
    public void The_models_compile_with_gymnasiums_sizes_and_control_ranges()
    {
        using var hopper = new HopperEnv();
        Assert.Equal((6, 6, 3, 0, 5, 5), (hopper.Model.Nq, hopper.Model.Nv, hopper.Model.Nu, hopper.Model.Na, hopper.Model.Nbody, hopper.Model.Ngeom));
        Assert.Equal([-1.0, 1, -1, 1, -1, 1], hopper.Model.CtrlRange);
        Assert.Equal([0, 3, 3, 3, 3], hopper.Model.GeomType); // floor plane, four capsules
        Assert.Equal(3, hopper.Model.IdOf(3, "thigh_joint"));
        using var cheetah = new HalfCheetahEnv();
        Assert.Equal((9, 9, 6, 0, 8, 9), (cheetah.Model.Nq, cheetah.Model.Nv, cheetah.Model.Nu, cheetah.Model.Na, cheetah.Model.Nbody, cheetah.Model.Ngeom));
        Assert.Equal(0, cheetah.Model.IdOf(18, "bthigh"));
        Assert.Equal(-1, cheetah.Model.IdOf(18, "tail"));
    }
}
