using System.CommandLine;
using TrpoEdge.Common;
using TrpoEdge.Trainer.Cli;

// `trainer train | eval | retrain | collect | list`: the training side of TrpoEdge. Each subcommand lives in its own class.
TerminalProfile.Apply();
var root = new RootCommand("TrpoEdge trainer: learn a policy with Trust Region Policy Optimization in simulation, evaluate it, and improve it from logged field rollouts. "
    + TrpoEdge.Core.Cli.ExitCodeTable.HelpText);
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(RetrainCommand.Create());
root.Subcommands.Add(CollectCommand.Create());
root.Subcommands.Add(ListCommand.Create());
// Ctrl-C is handled by the commands that can stop cleanly (Interrupt); the library's handler would end the process
// two seconds after the first Ctrl-C, while the checkpoint is being written.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
