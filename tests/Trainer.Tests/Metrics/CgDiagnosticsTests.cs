using TrpoEdge.Sim;
using TrpoEdge.Trainer.Metrics;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Metrics;

public sealed class CgDiagnosticsTests
{
    [Fact]
    public void Every_update_logs_cg_iterations_residual_and_step_length_to_the_sinks_and_the_csv()
    {
        using var dir = new TempDirectory();
        IEnv probe = EnvRegistry.Make("CartPole-v1");
        var options = new TrainingOptions
        {
            EnvId = "CartPole-v1", Seed = 1, TotalSteps = 2048, NumEnvs = 2, StepsPerEnv = 256, EvalEvery = 0, FinalEvalEpisodes = 1, CheckpointEvery = 0,
            Trpo = new() { CgIterations = 7, CriticBatchSize = 64 },
        };
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        var sink = new RecordingSink();
        string csv = Path.Combine(dir.Path, "metrics.csv");
        var updates = new List<UpdateReport>();
        using (var logger = new MetricsLogger(sink, new CsvMetricsWriter(csv)))
        {
            var run = new TrainingRun(agent, () => EnvRegistry.Make("CartPole-v1"), Path.Combine(dir.Path, "run"), logger);
            run.Updated += updates.Add;
            run.Run(CancellationToken.None);
        }
        var rows = sink.Rows.Where(r => r.Scalars.Any(s => s.Key == MetricKeys.TrainCgIterations)).ToList();
        Assert.Equal(updates.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var values = rows[i].Scalars.ToDictionary(s => s.Key, s => s.Value);
            Assert.Equal(updates[i].Policy.CgIterations, values[MetricKeys.TrainCgIterations]);
            Assert.InRange(values[MetricKeys.TrainCgIterations], 1, 7);
            Assert.Equal(updates[i].Policy.CgResidual, values[MetricKeys.TrainCgResidual]);
            Assert.Equal(updates[i].Policy.MaxStep, values[MetricKeys.TrainMaxStep]);
            Assert.Equal(updates[i].Policy.StepLength, values[MetricKeys.TrainStepLength]);
            Assert.Equal(updates[i].Policy.LineSearchSuccess, values[MetricKeys.TrainStepLength] > 0);
        }
        string[] lines = File.ReadAllLines(csv);
        string[] header = lines[0].Split(',');
        int column = Array.IndexOf(header, MetricKeys.TrainCgIterations);
        Assert.True(column >= 0, "metrics.csv has a train/cg_iterations column");
        Assert.Equal(updates[0].Policy.CgIterations.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[1].Split(',')[column]);
        Assert.Contains(MetricKeys.TrainStepLength, header);
        Assert.Contains(MetricKeys.TrainCgResidual, header);
    }
}
