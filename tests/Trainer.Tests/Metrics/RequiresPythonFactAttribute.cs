namespace TrpoEdge.Trainer.Tests.Metrics;

/// <summary>A fact that needs /usr/bin/python3 (Debian's python3, pulled in by scripts/test.sh's packages).</summary>
internal sealed class RequiresPythonFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    public RequiresPythonFactAttribute()
    {
        if (!File.Exists(Python))
        {
            Skip = $"{Python} is missing, so the independent Python reader of event files cannot run; install python3.";
        }
    }
}
