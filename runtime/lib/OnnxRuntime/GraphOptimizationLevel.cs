namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>ONNX Runtime's <c>GraphOptimizationLevel</c>.</summary>
public enum GraphOptimizationLevel
{
    DisableAll = 0,
    EnableBasic = 1,
    EnableExtended = 2,
    EnableAll = 99,
}
