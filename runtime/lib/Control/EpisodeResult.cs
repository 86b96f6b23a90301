namespace TrpoEdge.Runtime.Control;

/// <summary>One finished episode: its return, length, why it ended and, for faults, limits and interruptions, the reason
/// in words. <paramref name="ActionsNotApplied"/>: steps whose command the rig says it did not apply (0 for plants that
/// cannot tell, see <see cref="Plants.IRigFeedback"/>); the log stops before the first of them.</summary>
public sealed record EpisodeResult(int Index, ulong Seed, double Return, int Steps, EpisodeEnd End, string? Detail, int ActionsNotApplied = 0);
