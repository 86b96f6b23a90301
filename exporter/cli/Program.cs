using TrpoEdge.Exporter.Cli;

if (PublishCommand.Handles(args)) return PublishCommand.Run(args);
return ExportCommand.Create().Run(args);
