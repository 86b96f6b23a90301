namespace TrpoEdge.Runtime.Control;

/// <summary>One finished episode: its return, length, why it ended and, for faults and limits, the reason in words.</summary>
public sealed record EpisodeResult(int Index, ulong Seed, double Return, int Steps, EpisodeEnd End, string? Detail);
