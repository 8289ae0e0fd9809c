using System.Diagnostics;

namespace KeylessGeo.LoadGen;

/// <summary>
/// Open-loop Keyless load: requests leave at a fixed rate whatever the answers do, as handshakes
/// arrive at an edge, and each latency counts from when its request was due (not when it was
/// written), so a server that falls behind is not hidden by a client that waits for it.
/// </summary>
public static class KeylessOpenLoop
{
    // Requests written in one write at most, when the writer catches up after a pause.
    private const int MaxBatch = 256;

    /// <summary>
    /// Sends <paramref name="perSecond"/> requests per second on <paramref name="connection"/> until
    /// stopped, then waits for every answer. The timer wakes about every millisecond; each wake
    /// writes every request that has come due since, in one write.
    /// </summary>
    public static Task RunAsync(KeylessConnection connection, KeylessTarget target, double perSecond, LatencyRecorder recorder, CancellationToken stop) =>
        FloodReader.RunAsync(connection, recorder, async starts =>
        {
            var frame = target.Frame;
            var interval = Stopwatch.Frequency / perSecond;
            var batch = new byte[frame.Length * MaxBatch];
            var begin = Stopwatch.GetTimestamp();
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
            uint id = 0;
            while (!stop.IsCancellationRequested)
            {
                var due = (long)((Stopwatch.GetTimestamp() - begin) / interval);
                var count = 0;
                while (id < due && count < MaxBatch)
                {
                    id++;
                    starts[id & FloodReader.RingMask] = begin + (long)(id * interval);
                    KeylessConnection.WriteWithId(batch.AsSpan(count * frame.Length), frame, id);
                    count++;
                }

                if (count > 0)
                {
                    await connection.Stream.WriteAsync(batch.AsMemory(0, count * frame.Length));
                }

                if (id >= due)
                {
                    await timer.WaitForNextTickAsync();
                }
            }

            return id;
        });
}
