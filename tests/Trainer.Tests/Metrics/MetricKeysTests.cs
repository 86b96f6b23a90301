using TrpoEdge.Trainer.Metrics;

namespace TrpoEdge.Trainer.Tests.Metrics;

public sealed class MetricKeysTests
{
    [Fact]
    public void All_holds_every_key_the_issue_asks_for_once()
    {
        // The key list as specified for the diagnostics, copied here so a rename fails this test.
        string[] required =
        [
            "rollout/ep_return_mean", "rollout/ep_len_mean", "train/surrogate_loss", "train/value_loss",
            "train/kl_divergence", "train/entropy", "train/improvement_actual", "train/improvement_expected",
            "train/line_search_success", "train/line_search_steps", "train/explained_variance", "train/std",
            "time/steps_per_s", "eval/return_mean",
        ];

        Assert.Subset(MetricKeys.All.ToHashSet(), required.ToHashSet());
        Assert.Equal(MetricKeys.All.Count, MetricKeys.All.Distinct().Count());
        Assert.All(MetricKeys.All, k => Assert.Matches("^(rollout|train|time|eval)/[a-z_]+$", k));
    }
}
