using System.CommandLine;
using Spectre.Console;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Cli;

/// <summary>`trainer list`: what --env accepts (the built-in environments and the rig files that Rig:&lt;name&gt;
/// finds) and the shipped hyperparameter configs, so nobody has to read the source to find an id.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "List the environments --env accepts (built-in ids, rig files) and the shipped configs.");
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        string configs = Path.Combine(AppContext.BaseDirectory, "configs");
        var envs = new Table().AddColumn("environment (--env)").AddColumn("observations").AddColumn("actions").AddColumn("control period").AddColumn("shipped config");
        var missing = new List<string>();
        foreach (string id in EnvRegistry.Ids.Concat(RigIds()))
        {
            IEnv env;
            try
            {
                env = EnvRegistry.Make(id);
            }
            catch (NotSupportedException e)
            {
                // A physics environment whose native library is missing: listed, and what to install said below.
                envs.AddRow(Markup.Escape(id), "[grey]—[/]", "[grey]—[/]", "[grey]—[/]", "[grey]not available here (below)[/]");
                missing.Add(e.Message);
                continue;
            }
            string config = Path.Combine(configs, TrainCommand.SafeName(env.Id) + ".yml");
            envs.AddRow(Markup.Escape(id), Short(SpaceConversion.ToSpec(env.ObservationSpace)),
                Short(SpaceConversion.ToSpec(env.ActionSpace)), $"{env.ControlPeriod * 1000:G4} ms",
                File.Exists(config) ? Markup.Escape(Path.GetFileName(config)) : "[grey]defaults[/]");
        }
        AnsiConsole.Write(envs);
        foreach (string why in missing) AnsiConsole.MarkupLineInterpolated($"[grey]{why}[/]");
        AnsiConsole.MarkupLineInterpolated($"Ids are case-insensitive; any rig file path (*.yaml) works too. Configs are in {configs}; `trainer train --help` explains --config and --set.");
        return 0;
    }

    private static string Short(Core.Spaces.SpaceSpec s) => s.Kind == Core.Spaces.SpaceKind.Discrete ? $"Discrete({s.Size})" : $"Box({s.FlatSize})";

    /// <summary>Rig:&lt;name&gt; for every rig file that <see cref="EnvRegistry.FindRigFile"/> would find.</summary>
    private static IEnumerable<string> RigIds()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var folders = new List<string>();
        if (Environment.GetEnvironmentVariable("TRPOEDGE_RIGS_DIR") is { Length: > 0 } env) folders.Add(env);
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                folders.Add(Path.Combine(dir.FullName, "hardware", "rigs"));
        foreach (string folder in folders.Where(Directory.Exists))
            foreach (string file in Directory.EnumerateFiles(folder, "*.yaml"))
                names.Add(Path.GetFileNameWithoutExtension(file));
        return names.Select(n => "Rig:" + n);
    }
}
