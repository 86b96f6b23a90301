using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;

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
    private readonly Option<bool> _force = new("--force")
    {
        Description = "Overwrite the output file if it exists.",
    };

    private ExportCommand(IAnsiConsole console, TextWriter error)
    {
        Console = console;
        Error = error;
        _root = new RootCommand("Export a TrpoEdge policy checkpoint as an ONNX model (opset 17) for the runtime. "
            + "Two more commands, each with its own --help: `exporter keygen --out NAME` makes an ECDSA P-256 signing key pair; "
            + "`exporter publish --mqtt URL --key KEY.pem MODEL.onnx` publishes a signed, retained policy that runtimes started with "
            + "--follow-policy pick up. " + Core.Cli.ExitCodeTable.HelpText);
        _root.Options.Add(_onnx);
        _root.Options.Add(_checkpoint);
        _root.Options.Add(_verify);
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
            report = ModelVerifier.Verify(summary.OnnxPath, checkpointPath);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException
                                      or Runtime.OnnxRuntime.OnnxRuntimeException or ExportInputException)
        {
            Error.WriteLine($"exporter: could not verify \"{summary.OnnxPath}\": {e.Message}");
            return ExitCodes.VerificationFailed;
        }
        SummaryTable.Write(Console, report);
        return report.Passed ? ExitCodes.Ok : ExitCodes.VerificationFailed;
    }
}
