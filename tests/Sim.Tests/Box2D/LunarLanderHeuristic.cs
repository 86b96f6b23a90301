namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>Gymnasium's scripted lander (lunar_lander.py's <c>heuristic</c>): points towards the pad, hovers at a
/// height proportional to the horizontal offset, and after touchdown only brakes the fall.</summary>
internal static class LunarLanderHeuristic
{
    public static void Act(ReadOnlySpan<float> s, bool continuous, Span<float> action)
    {
        double angleTarg = s[0] * 0.5 + s[2] * 1.0; // angle should point towards the centre
        angleTarg = Math.Clamp(angleTarg, -0.4, 0.4); // more than 0.4 rad (22°) is bad
        double hoverTarg = 0.55 * Math.Abs(s[0]); // target height proportional to the horizontal offset
        double angleTodo = (angleTarg - s[4]) * 0.5 - s[5] * 1.0;
        double hoverTodo = (hoverTarg - s[1]) * 0.5 - s[3] * 0.5;
        if (s[6] != 0 || s[7] != 0)
        {
            angleTodo = 0;
            hoverTodo = -s[3] * 0.5; // after touchdown, only reduce the fall speed
        }
        if (continuous)
        {
            action[0] = (float)Math.Clamp(hoverTodo * 20 - 1, -1, 1);
            action[1] = (float)Math.Clamp(-angleTodo * 20, -1, 1);
            return;
        }
        int a = 0;
        if (hoverTodo > Math.Abs(angleTodo) && hoverTodo > 0.05) a = 2;
        else if (angleTodo < -0.05) a = 3;
        else if (angleTodo > +0.05) a = 1;
        action[0] = a;
    }
}
