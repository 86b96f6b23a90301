using TrpoEdge.Exporter.Cli;

return ExportCommand.Create().Run(args);
