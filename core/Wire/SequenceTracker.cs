namespace TrpoEdge.Core.Wire;

/// <summary>Follows one peer's 16-bit sequence numbers. A number up to 32 767 ahead of the last
/// accepted one is new (the numbers skipped are counted as lost); the same number or one behind
/// is a duplicate or a late, reordered frame and is refused. Both ends use it: the rig for
/// ACTIONs, the host for STATEs.</summary>
public sealed class SequenceTracker
{
    private bool _started;

    public ushort Last { get; private set; }
    public long Accepted { get; private set; }
    public long Lost { get; private set; }
    public long Stale { get; private set; }

    /// <summary>Returns true when <paramref name="sequence"/> is newer than the last accepted one.</summary>
    public bool Accept(ushort sequence)
    {
        if (_started)
        {
            int ahead = (ushort)(sequence - Last);
            if (ahead == 0 || ahead >= 0x8000)
            {
                Stale++;
                return false;
            }
            Lost += ahead - 1;
        }
        _started = true;
        Last = sequence;
        Accepted++;
        return true;
    }

    /// <summary>Starts over at a new session: the next number is accepted as the base.</summary>
    public void Restart() => _started = false;

    /// <summary>Starts over with <paramref name="sequence"/> as the last accepted number.</summary>
    public void Restart(ushort sequence)
    {
        _started = true;
        Last = sequence;
    }
}
