using TrpoEdge.Runtime.Cli;

// `runtime --model policy.onnx --sim Pendulum-v1 ...`: run an exported policy on a plant.
TrpoEdge.Common.TerminalProfile.Apply();
return RuntimeCommand.Create().Run(args);
