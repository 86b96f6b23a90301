namespace TrpoEdge.Sim;

/// <summary>One numeric key a rig file may set. <see cref="Default"/> NaN with <see cref="Required"/> false
/// means "derived from other keys" or "absent" (see <see cref="RigSpec"/>).</summary>
internal sealed record RigParameter(string Key, double Default, bool Required, double Min, bool MinExclusive, bool Integer, string Meaning);
