namespace TrpoEdge.Core.Tests.Checkpoints;

/// <summary>A fact that needs the system Python (standard library only). xunit 2 has no runtime skip, so the
/// skip reason is decided when the attribute is built: only a machine without /usr/bin/python3 skips.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    public PythonFactAttribute()
    {
        if (!File.Exists(Python))
            Skip = $"{Python} is missing; install Debian's python3 to run the independent safetensors reader.";
    }
}
