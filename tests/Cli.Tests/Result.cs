namespace TrpoEdge.Cli.Tests;

/// <summary>A finished program: exit code and what it printed.</summary>
internal sealed record Result(int Code, string Stdout, string Stderr, string CommandLine)
{
    public string Output => Stdout + Stderr;

    /// <summary>Asserts the exit code, and that a failure was reported as a user-facing message rather than a stack trace.</summary>
    public Result Expect(int code, string? messageContains = null)
    {
        Assert.True(Code == code, $"`{CommandLine}` exited {Code}, expected {code}:\n{Output}");
        if (messageContains is not null) Assert.Contains(messageContains, Output, StringComparison.OrdinalIgnoreCase);
        if (code != 0)
        {
            Assert.DoesNotContain("   at ", Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", Output, StringComparison.Ordinal);
            Assert.DoesNotContain("(Parameter '", Output, StringComparison.Ordinal);
        }
        return this;
    }
}
