namespace TrpoEdge.Exporter;

/// <summary>The running maximum of |ONNX Runtime − reference| during a verification, and where it occurred.</summary>
internal sealed class WorstDifference
{
    public double Diff;
    public string Output = "";
    public float[] Observation = [];
    public string Source = "";
}
