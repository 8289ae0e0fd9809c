namespace KeylessGeo.LoadGen;

/// <summary>
/// The reading half of a Keyless load whose writer does not wait for answers (flood, open loop):
/// records responses until the writer has stopped and every request it wrote is answered. Send
/// times are kept in a ring indexed by request id (<see cref="RingMask"/>).
/// </summary>
internal sealed class FloodReader
{
    /// <summary>Send times kept; a request must be answered before 2^20 later ones are sent.</summary>
    public const int RingSize = 1 << 20;

    /// <summary>Maps a request id to its slot in the ring.</summary>
    public const int RingMask = RingSize - 1;

    private long _total = long.MaxValue;
    private long _read;

    /// <summary>
    /// Runs <paramref name="write"/> (given the ring to stamp each request's send time into, it
    /// returns the last id it wrote) beside a reader, then waits for the answers still outstanding.
    /// </summary>
    public static async Task RunAsync(KeylessConnection connection, LatencyRecorder recorder, Func<long[], Task<long>> write)
    {
        var starts = new long[RingSize];
        var reader = new FloodReader();
        var reading = reader.ReadAsync(connection, recorder, starts);
        var written = await Task.Run(() => write(starts));
        Volatile.Write(ref reader._total, written);
        connection.Reader.CancelPendingRead();
        await reading;
    }

    private async Task ReadAsync(KeylessConnection connection, LatencyRecorder recorder, long[] starts)
    {
        await Task.Yield();
        while (_read < Volatile.Read(ref _total))
        {
            var (ok, id, error, closed) = await connection.ReadResponseAsync(CancellationToken.None);
            if (closed)
            {
                throw new IOException($"the server closed the connection with {Volatile.Read(ref _total) - _read} requests unanswered");
            }

            if (!ok)
            {
                continue; // the writer finished: re-check what is still outstanding
            }

            _read++;
            KeylessWorkers.Record(recorder, error, starts[id & RingMask]);
        }
    }
}
