using System.Buffers;
using System.Diagnostics;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.LoadGen;

/// <summary>Keyless protocol load: closed loop (fixed requests in flight) and flood (write as fast as TCP allows).</summary>
public static class KeylessWorkers
{
    private const int FloodBatchBytes = 32 * 1024;

    /// <summary>
    /// <see cref="LoadSettings.InFlight"/> requests outstanding on one connection; every response
    /// sends the next request from the same slot (the id's low 16 bits).
    /// </summary>
    public static async Task RunClosedLoopAsync(KeylessConnection connection, KeylessTarget target, LoadSettings settings, LatencyRecorder recorder, CancellationToken stop)
    {
        var slots = settings.InFlight;
        var starts = new long[slots];
        var frame = target.Frame;
        var send = new byte[frame.Length * slots];
        var pacing = LoadPacing.ForConnection(settings, slots);
        uint sequence = 0;
        for (var slot = 0; slot < slots; slot++)
        {
            starts[slot] = Stopwatch.GetTimestamp();
            KeylessConnection.WriteWithId(send.AsSpan(slot * frame.Length), frame, (++sequence << 16) | (uint)slot);
        }

        await connection.Stream.WriteAsync(send);
        var outstanding = slots;
        while (outstanding > 0)
        {
            var (ok, id, error, _) = await connection.ReadResponseAsync(CancellationToken.None);
            if (!ok)
            {
                throw new IOException($"the server closed the connection with {outstanding} requests outstanding");
            }

            var slot = (int)(id & 0xFFFF);
            Record(recorder, error, starts[slot]);
            if (stop.IsCancellationRequested)
            {
                outstanding--;
                continue;
            }

            if (pacing is not null)
            {
                await pacing.WaitAsync(slot);
            }

            starts[slot] = Stopwatch.GetTimestamp();
            KeylessConnection.WriteWithId(send, frame, (++sequence << 16) | (uint)slot);
            await connection.Stream.WriteAsync(send.AsMemory(0, frame.Length));
        }
    }

    /// <summary>
    /// A writer writing requests in batches as fast as the connection accepts them (bounded only
    /// by TCP backpressure) and a reader draining responses, until stopped; then the writer stops
    /// and the reader drains what is outstanding.
    /// </summary>
    public static Task RunFloodAsync(KeylessConnection connection, KeylessTarget target, LatencyRecorder recorder, CancellationToken stop) =>
        FloodReader.RunAsync(connection, recorder, async starts =>
        {
            var frame = target.Frame;
            var perBatch = Math.Max(1, FloodBatchBytes / frame.Length);
            var batch = new byte[perBatch * frame.Length];
            uint id = 0;
            while (!stop.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                for (var i = 0; i < perBatch; i++)
                {
                    id++;
                    starts[id & FloodReader.RingMask] = now;
                    KeylessConnection.WriteWithId(batch.AsSpan(i * frame.Length), frame, id);
                }

                await connection.Stream.WriteAsync(batch);
            }

            return id;
        });

    internal static void Record(LatencyRecorder recorder, KeylessError? error, long start)
    {
        if (error is { } code)
        {
            recorder.Failure(code.ToString());
        }
        else
        {
            recorder.Success(start);
        }
    }
}
