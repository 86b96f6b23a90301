namespace TrpoEdge.Core.Contracts;

/// <summary>Reads an ONNX policy model for a loader, after the checks that need no parsing: the path is a file,
/// it is not empty, and it is no larger than any TrpoEdge policy can be. Without the size check a wrong file (a
/// disk image, a sparse file) would be read whole into memory before the loader refused it.</summary>
public static class ModelFile
{
    /// <summary>64 MiB. A [64,64] policy is about 20 KB and [1024,1024,1024] about 8 MB.</summary>
    public const long MaxBytes = 64L << 20;

    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">A folder, an empty file or one over <see cref="MaxBytes"/>.</exception>
    public static byte[] Read(string path, string option = "--model")
    {
        Check(path, option);
        return File.ReadAllBytes(path);
    }

    /// <summary>The same checks without reading.</summary>
    public static void Check(string path, string option = "--model")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
            throw new InvalidDataException($"{option} {path} is a folder; give the .onnx file (e.g. {Path.Combine(path, "policy.onnx")}).");
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"{option} {path}: no such file. Give a model written by `exporter --onnx` or `trainer train` (RUN/policy.onnx).", path);
        if (info.Length == 0)
            throw new InvalidDataException($"{option} {path} is empty (0 bytes); give a model written by `exporter --onnx`.");
        if (info.Length > MaxBytes)
            throw new InvalidDataException($"{option} {path} is {info.Length:N0} bytes; a TrpoEdge policy model is at most {MaxBytes:N0} bytes, so this is not one. Check the path.");
    }
}
