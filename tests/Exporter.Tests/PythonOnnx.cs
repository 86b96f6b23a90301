using System.Diagnostics;
using System.Text.Json;

namespace TrpoEdge.Exporter.Tests;

/// <summary>Debian's python3-onnx: ONNX's own checker and protobuf reader, which nobody in this project
/// wrote. /usr/bin/python3 explicitly: a pyenv python3 earlier on PATH has no onnx module.
/// scripts/test.sh installs python3-onnx.</summary>
internal static class PythonOnnx
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs onnx.checker.check_model(onnx.load(path), full_check=True); returns "" on success,
    /// else the checker's complaint.</summary>
    public static string Check(string onnxPath)
    {
        var (code, stdout, stderr) = Run(
            "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')", onnxPath);
        return code == 0 && stdout.Trim() == "ok" ? "" : $"exit {code}: {stderr}{stdout}";
    }

    /// <summary>The model as the official protobuf schema reads it back, plus the full checker's verdict
    /// under "check" ("ok" or the complaint): one interpreter start per model keeps the tests fast.</summary>
    public static JsonElement Describe(string onnxPath)
    {
        const string script = """
import onnx, sys, json, math
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
try:
    onnx.checker.check_model(m, full_check=True)
    check = "ok"
except Exception as e:
    check = type(e).__name__ + ": " + str(e)
def vi(v):
    t = v.type.tensor_type
    return {"name": v.name, "elem_type": t.elem_type,
            "shape": [d.dim_param if d.HasField("dim_param") else d.dim_value for d in t.shape.dim]}
out = {
  "check": check,
  "reserialized_identical": m.SerializeToString() == open(sys.argv[1], "rb").read(),
  "ir_version": m.ir_version, "producer_name": m.producer_name, "model_version": m.model_version,
  "opset": [[o.domain, o.version] for o in m.opset_import],
  "metadata": {p.key: p.value for p in m.metadata_props},
  "inputs": [vi(v) for v in m.graph.input], "outputs": [vi(v) for v in m.graph.output],
  "ops": [n.op_type for n in m.graph.node],
  "initializers": {t.name: {"dims": list(t.dims), "values": [v if math.isfinite(v) else str(v) for v in numpy_helper.to_array(t).astype(float).ravel().tolist()]} for t in m.graph.initializer},
}
print(json.dumps(out))
""";
        var (code, stdout, stderr) = Run(script, onnxPath);
        Assert.True(code == 0, $"python3-onnx could not read {onnxPath}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    public static (int Code, string Stdout, string Stderr) Run(string script, params string[] args)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing; install python3 and python3-onnx (scripts/test.sh does).");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        string err = stderr.Result;
        Assert.False(err.Contains("No module named 'onnx'", StringComparison.Ordinal),
            "python3-onnx is not installed for /usr/bin/python3; run `apt-get install python3-onnx` (scripts/test.sh does).");
        return (p.ExitCode, stdout.Result, err);
    }
}
