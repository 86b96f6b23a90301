using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>A checkpoint's ancestry, kept in its metadata as "extra.lineage": the SHA-256 of each ancestor
/// checkpoint, nearest first. The parent's own SHA-256 is also the contract's parent_sha256.</summary>
public static class Lineage
{
    public const string Key = "lineage";
    /// <summary>Ancestors kept; older ones are dropped (no store would still hold data that old and acceptable).</summary>
    public const int MaxDepth = 32;

    public static IReadOnlyList<string> Of(PolicyCheckpoint checkpoint)
    {
        if (checkpoint.Extra.TryGetValue(Key, out string? value) && !string.IsNullOrWhiteSpace(value))
            return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return checkpoint.ParentSha256 is { } parent ? [parent] : [];
    }

    /// <summary>The lineage of a child of <paramref name="parent"/> (whose file hashes to <paramref name="parentSha256"/>).</summary>
    public static string ForChildOf(PolicyCheckpoint parent, string parentSha256) =>
        string.Join(",", new[] { parentSha256 }.Concat(Of(parent)).Take(MaxDepth));
}
