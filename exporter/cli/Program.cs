using TrpoEdge.Exporter.Cli;

TrpoEdge.Common.TerminalProfile.Apply();
if (PublishCommand.Handles(args)) return PublishCommand.Run(args);
return ExportCommand.Create().Run(args);
