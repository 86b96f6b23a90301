namespace TrpoEdge.Core.Cli;

/// <summary>Turns an exception a user caused into the one line the programs print: .NET's own decorations
/// ("(Parameter 'id')", "Actual value was …") name C# parameters the user never typed, so they go, and a message
/// that spans lines is joined into one.</summary>
public static class ErrorText
{
    public static string OneLine(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentException { ParamName: { } name })
        {
            int at = message.IndexOf($" (Parameter '{name}')", StringComparison.Ordinal);
            if (at < 0) at = message.IndexOf($"(Parameter '{name}')", StringComparison.Ordinal);
            if (at >= 0) message = message[..at];
        }
        int actual = message.IndexOf("Actual value was", StringComparison.Ordinal);
        if (actual >= 0) message = message[..actual];
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
