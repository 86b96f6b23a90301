using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Tests.Algorithms;

public sealed class GaeTests
{
    [Fact]
    public void Lambda_one_with_zero_values_gives_discounted_returns_to_go()
    {
        // With V ≡ 0 and λ = 1, Â_t is the discounted return to the end of the (unfinished) rollout.
        double[] r = [1, 2, 3];
        var adv = new float[3];
        Gae.Compute(r, new float[3], new float[3], new bool[3], new bool[3], 0.5, 1.0, adv);
        Assert.Equal(1 + 0.5 * 2 + 0.25 * 3, adv[0], 5);
        Assert.Equal(2 + 0.5 * 3, adv[1], 5);
        Assert.Equal(3, adv[2], 5);
    }

    [Fact]
    public void Lambda_zero_gives_one_step_temporal_differences()
    {
        double[] r = [1, 1];
        float[] v = [0.5f, 0.25f];
        float[] next = [0.25f, 2f];
        var adv = new float[2];
        Gae.Compute(r, v, next, new bool[2], new bool[2], 0.9, 0.0, adv);
        Assert.Equal(1 + 0.9 * 0.25 - 0.5, adv[0], 6);
        Assert.Equal(1 + 0.9 * 2 - 0.25, adv[1], 6);
    }

    [Fact]
    public void A_terminated_step_is_not_bootstrapped_and_does_not_chain_into_the_next_episode()
    {
        // Steps: t0 (episode A), t1 terminates A, t2 starts episode B and is the rollout's last step.
        double[] r = [1, 10, 5];
        float[] v = [2, 3, 4];
        float[] next = [3, 99, 6];   // 99 must be ignored: terminal
        bool[] term = [false, true, false];
        bool[] ended = [false, true, false];
        var adv = new float[3];
        const double g = 0.9, l = 0.8;
        Gae.Compute(r, v, next, term, ended, g, l, adv);
        double a2 = 5 + g * 6 - 4;
        double a1 = 10 - 3;                         // δ without bootstrap, no carry from episode B
        double a0 = (1 + g * 3 - 2) + g * l * a1;
        Assert.Equal(a2, adv[2], 5);
        Assert.Equal(a1, adv[1], 5);
        Assert.Equal(a0, adv[0], 5);
    }

    [Fact]
    public void A_truncated_step_bootstraps_from_the_final_observation_value_but_does_not_chain()
    {
        double[] r = [1, 1];
        float[] v = [0, 0];
        float[] next = [7, 0];                      // V(final observation) of the cut episode = 7
        bool[] term = [false, false];
        bool[] ended = [true, false];               // step 0 truncated
        var adv = new float[2];
        Gae.Compute(r, v, next, term, ended, 0.5, 0.9, adv);
        Assert.Equal(1 + 0.5 * 7, adv[0], 5);       // bootstrapped, no carry from step 1 (a new episode)
        Assert.Equal(1, adv[1], 5);
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Gae.Compute(new double[2], new float[3], new float[2], new bool[2], new bool[2], 0.9, 0.9, new float[2]));
    }
}
