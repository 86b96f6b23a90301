namespace TrpoEdge.Core.Checkpoints;

/// <summary>One tensor's header entry as parsed, before its offsets are checked against the buffer.</summary>
internal sealed record HeaderEntry(string Name, DType DType, long[] Shape, ulong Begin, ulong End, long Count, int HeaderIndex);
