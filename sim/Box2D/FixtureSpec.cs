namespace TrpoEdge.Sim.Box2D;

/// <summary>A fixture's material and collision filter (Box2D's b2FixtureDef without the shape; friction 0.2,
/// category 1 and mask 0xFFFF are Box2D's defaults).</summary>
internal readonly record struct FixtureSpec(float Density, float Friction = 0.2f, float Restitution = 0f, int Category = 0x0001, int Mask = 0xFFFF);
