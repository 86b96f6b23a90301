using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using TrpoEdge.Runtime.Inference;

namespace TrpoEdge.Exporter.Cli;

/// <summary><c>exporter --onnx OUT.onnx --checkpoint CKPT.safetensors [--verify] [--force]</c>.</summary>
public sealed class ExportCommand
{
    private readonly RootCommand _root;
    private readonly Option<string> _onnx = new("--onnx")
    {
        Description = "Where to write the ONNX policy model (e.g. policy.onnx).",
        Required = true,
    };
    private readonly Option<string> _checkpoint = new("--checkpoint")
    {
        Description = "The trainer's checkpoint (.safetensors) to export.",
        Required = true,
    };
    private readonly Option<bool> _verify = new("--verify")
    {
        Description = "Load the written model with ONNX Runtime and compare every output with the trainer's forward pass "
            + "on 10,000 random and up to 1,000 recorded observations (fails above 1e-5).",
    };
    private readonly Option<string> _device = new("--device")
    {
        Description = "With --verify: where ONNX Runtime runs the model, cpu, cuda or cuda:N (CUDA needs a build with -p:OrtGpu=true, "
            + "CUDA 13 and cuDNN 9; without them exit 4, naming what is missing).",
        DefaultValueFactory = _ => "cpu",
    };
    private readonly Option<bool> _force = new("--force")
    {
        Description = "Overwrite the output file if it exists.",
    };

    private ExportCommand(IAnsiConsole console, TextWriter error)
    {
        Console = console;
        Error = error;
        _root = new RootCommand("Export a TrpoEdge policy checkpoint as an ONNX model (opset 17) for the runtime.");
        _root.Options.Add(_onnx);
        _root.Options.Add(_checkpoint);
        _root.Options.Add(_verify);
        _root.Options.Add(_device);
        _root.Options.Add(_force);
        _root.SetAction(Execute);
    }

    private IAnsiConsole Console { get; }
    private TextWriter Error { get; }

    public static ExportCommand Create(IAnsiConsole? console = null, TextWriter? error = null) =>
        new(console ?? AnsiConsole.Console, error ?? System.Console.Error);

    public int Run(string[] args)
    {
        ParseResult parsed = _root.Parse(args);
        // System.CommandLine answers parse errors with exit code 1, which here means "verification failed".
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) Error.WriteLine($"exporter: {e.Message}");
            Error.WriteLine("Usage: exporter --onnx OUT.onnx --checkpoint CKPT.safetensors [--verify] [--force]  (--help for more)");
            return ExitCodes.BadInput;
        }
        return parsed.Invoke();
    }

    private int Execute(ParseResult parsed)
    {
        string onnxPath = parsed.GetRequiredValue(_onnx);
        string checkpointPath = parsed.GetRequiredValue(_checkpoint);
        bool verify = parsed.GetValue(_verify);
        bool force = parsed.GetValue(_force);
        InferenceDevice device;
        try
        {
            device = InferenceDevice.Parse(parsed.GetValue(_device) ?? "cpu");
        }
        catch (FormatException e)
        {
            Error.WriteLine($"exporter: {e.Message}");
            return ExitCodes.BadInput;
        }
        if (device.Kind != DeviceKind.Cpu && !verify)
        {
            Error.WriteLine($"exporter: --device {device} only applies to --verify; add --verify or leave --device out.");
            return ExitCodes.BadInput;
        }

        ExportSummary summary;
        try
        {
            summary = PolicyExporter.Export(checkpointPath, onnxPath, overwrite: force);
        }
        catch (ExportInputException e)
        {
            Error.WriteLine($"exporter: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (IOException e)
        {
            Error.WriteLine($"exporter: could not write \"{onnxPath}\": {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (UnauthorizedAccessException e)
        {
            Error.WriteLine($"exporter: could not write \"{onnxPath}\": {e.Message}");
            return ExitCodes.BadInput;
        }

        SummaryTable.Write(Console, summary);
        if (!verify) return ExitCodes.Ok;

        VerificationReport report;
        try
        {
            // The file just written is what is verified: what a runtime will read.
            report = ModelVerifier.Verify(summary.OnnxPath, checkpointPath, new VerificationOptions { Device = device });
        }
        catch (DeviceUnavailableException e)
        {
            Error.WriteLine($"exporter: could not verify \"{summary.OnnxPath}\": {e.Message}");
            return ExitCodes.DeviceUnavailable;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException
                                      or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or ExportInputException)
        {
            Error.WriteLine($"exporter: could not verify \"{summary.OnnxPath}\": {e.Message}");
            return ExitCodes.VerificationFailed;
        }
        SummaryTable.Write(Console, report);
        return report.Passed ? ExitCodes.Ok : ExitCodes.VerificationFailed;
    }
}
