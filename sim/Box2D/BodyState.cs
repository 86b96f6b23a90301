namespace TrpoEdge.Sim.Box2D;

/// <summary>A body's pose and velocity as Box2D stores them (float32), whether it is awake, and its contact flag.</summary>
internal readonly record struct BodyState(float X, float Y, float Angle, float Vx, float Vy, float AngularVelocity, bool Awake, bool InContact);
