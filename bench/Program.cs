using TrpoEdge.Bench;

// `bench <name> [args]`: each area adds one line to this table and keeps its benchmark in its own file.
var benchmarks = new Dictionary<string, (string Description, Func<string[], int> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["sim"] = ("environment steps/s: Pendulum-v1 and CartPole-v1, single env and VectorEnv x16/x1024, vs an inline scalar loop", SimBench.Run),
    ["gemm"] = ("managed GEMM vs OpenBLAS sgemm on the MLP's shapes, and Mlp forward/backward/JVP throughput", GemmBench.Run),
    ["store"] = ("trajectory store steps written/s through TrajectoryWriter vs a synchronous Microsoft.Data.Sqlite loop; Append cost on the control loop", StoreBench.Run),
    ["train"] = ("TRPO end-to-end steps/s (collection + updates) with the shipped config (key=value overrides after the update count), phase breakdown with the policy step split, vs the simulator alone", TrainBench.Run),
    ["variants"] = ("single path vs vine vs KL penalty on CartPole-v1 and Pendulum-v1, 3 seeds: steps (branches included) and wall time to the threshold, final return", VariantsBench.Run),
    ["engines"] = ("managed vs TorchSharp engine (build trainer/torch first): training steps/s and steps to threshold on Pendulum-v1 and CartPole-v1, seeds 0-2", EnginesBench.Run),
    ["core"] = ("normal deviates, policy-distribution sample + log-prob per step (and bytes allocated), checkpoint save/load vs raw file I/O", CoreBench.Run),
    ["serial"] = ("serial link over a pty to a rig-emulator process: exchanges/s, STATE/ACTION round trip p50/p99 and bytes per round trip (lockstep, 100 Hz, 1 kHz), termios port and System.IO.Ports side by side, vs the codec in memory", SerialBench.Run),
    ["export"] = ("ONNX export of a [64,64] and [256,256] policy (graph build, whole export, --verify) vs loading the checkpoint", ExportBench.Run),
    ["mqtt"] = ("MQTT on a local mosquitto: state→action round trip through the broker (MqttPlant.Step p50/p99) vs bare ping-pong; trajectory steps stored/s by the collector vs direct import", MqttBench.Run),
    ["gpu"] = ("TRPO on Pendulum-v1 with every update on a CUDA GPU: steps/s at 1k/4k/16k/64k envs beside the CPU engine, wall time to -200 (--device cuda:N | cpu-sim)", GpuBench.Run),
    ["edge"] = ("the runtime published four ways (x64 JIT, x64 NativeAOT, arm64 JIT and NativeAOT under qemu-user): size on disk, exec to first action, inference p50/p99, peak RSS on x64", EdgeBench.Run),
    ["runtime"] = ("ONNX Runtime Run latency of a [64,64] policy at batch 1 (p50/p99, bytes/op) vs a managed forward, managed bytes per control step; 1 kHz loop jitter per pacing mode (incl. --realtime), 10 runs of 5 s each without and with a CPU hog: median and worst p99", RuntimeBench.Run),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var entry))
{
    Console.Error.WriteLine(args.Length == 0 ? "Which benchmark?" : $"Unknown benchmark '{args[0]}'.");
    Console.Error.WriteLine("Usage: bench <name> [args]. Known benchmarks:");
    foreach (var (name, (description, _)) in benchmarks) Console.Error.WriteLine($"  {name,-12} {description}");
    return 2;
}
return entry.Run(args[1..]);
