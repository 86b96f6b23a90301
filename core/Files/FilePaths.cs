namespace TrpoEdge.Core.Files;

/// <summary>Path identity for the rule that no program's output ever replaces one of its inputs: two spellings
/// (relative, absolute, through a symbolic link) of one file are the same file.</summary>
public static class FilePaths
{
    /// <summary>The absolute path with symbolic links of the final component resolved (a link to a checkpoint is
    /// the checkpoint).</summary>
    public static string Canonical(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            FileSystemInfo? target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? full : Path.GetFullPath(target.FullName);
        }
        catch (IOException)
        {
            return full; // a dangling or looping link names no input
        }
    }

    public static bool Same(string a, string b) =>
        string.Equals(Canonical(a), Canonical(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Throws when <paramref name="output"/> is one of <paramref name="inputs"/>, naming both options.</summary>
    /// <exception cref="ArgumentException">The output would overwrite an input.</exception>
    public static void EnsureNotAnInput(string outputOption, string output, params (string Option, string? Path)[] inputs)
    {
        foreach ((string option, string? input) in inputs)
        {
            if (input is not null && Same(output, input))
                throw new ArgumentException($"{outputOption} {output} is the same file as {option} {input}: writing it would destroy the input. Choose another output path.");
        }
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies anywhere below it.</summary>
    public static bool IsInside(string path, string folder)
    {
        string p = Canonical(path), f = Canonical(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return (p + Path.DirectorySeparatorChar).StartsWith(f, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
