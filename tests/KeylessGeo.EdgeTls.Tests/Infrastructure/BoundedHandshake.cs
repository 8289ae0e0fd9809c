using System.Diagnostics;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>A TLS client run that must end within the engine's deadline plus a margin: a longer one means something hangs.</summary>
public static class BoundedHandshake
{
    // Generous: process start-up of the client on a loaded machine, not the engine's speed.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="client"/>, failing the test if it has not ended within <paramref name="deadlineMs"/> plus the margin.</summary>
    public static async Task<ProcessResult> RunAsync(int deadlineMs, Func<Task<ProcessResult>> client)
    {
        var watch = Stopwatch.StartNew();
        var run = client();
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(deadlineMs) + Margin));
        Assert.True(finished == run, $"the handshake was still running after {watch.Elapsed}: something hangs");
        return await run;
    }
}
