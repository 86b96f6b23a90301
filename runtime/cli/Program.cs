using TrpoEdge.Runtime.Cli;

// `runtime --model policy.onnx --sim Pendulum-v1 ...`: run an exported policy on a plant.
return RuntimeCommand.Create().Run(args);
