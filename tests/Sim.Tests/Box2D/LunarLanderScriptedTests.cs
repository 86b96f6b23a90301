using TrpoEdge.Sim.Box2D;
using Xunit.Abstractions;

namespace TrpoEdge.Sim.Tests.Box2D;

public sealed class LunarLanderScriptedTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HeuristicLandsBetweenTheFlagsAndComesToRestWithTheBonus(bool continuous)
    {
        for (ulong seed = 0; seed < 5; seed++)
        {
            var env = new LunarLanderEnv(continuous);
            var obs = new float[8];
            var action = new float[continuous ? 2 : 1];
            env.Reset(seed, obs);
            double total = 0;
            StepResult r = default;
            int steps = 0;
            while (!r.Done)
            {
                LunarLanderHeuristic.Act(obs, continuous, action);
                r = env.Step(action, obs);
                total += r.Reward;
                steps++;
            }
            output.WriteLine($"seed {seed}: {steps} steps, return {total:F2}, last reward {r.Reward}, x {obs[0]:F3}");
        }
    }
}
