namespace TrpoEdge.Core.Spaces;

public enum SpaceKind
{
    Box,
    Discrete,
}
