using System.CommandLine;
using TrpoEdge.Trainer.Cli;

// `trainer train | eval | retrain`: the training side of TrpoEdge. Each subcommand lives in its own class.
var root = new RootCommand("TrpoEdge trainer: learn a policy with Trust Region Policy Optimization in simulation, evaluate it, and improve it from logged field rollouts.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(RetrainCommand.Create());
root.Subcommands.Add(CollectCommand.Create());
return await root.Parse(args).InvokeAsync();
