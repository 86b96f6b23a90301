using TrpoEdge.Trainer.Metrics;

namespace TrpoEdge.Trainer.Tests.Metrics;

/// <summary>A fact that runs only where the CPU has a CRC32C instruction (SSE4.2 or Arm CRC32).</summary>
internal sealed class RequiresCrcInstructionFactAttribute : FactAttribute
{
    public RequiresCrcInstructionFactAttribute()
    {
        if (!Crc32C.IsHardwareAccelerated)
        {
            Skip = "This CPU has no CRC32C instruction (neither SSE4.2 nor Arm CRC32); only the table path can be tested here.";
        }
    }
}
