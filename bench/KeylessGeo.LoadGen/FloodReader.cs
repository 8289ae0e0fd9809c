namespace KeylessGeo.LoadGen;

/// <summary>
/// The reading half of a Keyless flood: records responses until the writer has stopped and
/// every request it wrote is answered.
/// </summary>
internal sealed class FloodReader
{
    private const int TimestampMask = (1 << 20) - 1;
    private long _total = long.MaxValue;
    private long _read;

    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>The writer stopped after <paramref name="total"/> requests.</summary>
    public void Finish(long total) => Volatile.Write(ref _total, total);

    public async Task RunAsync(KeylessConnection connection, LatencyRecorder recorder, long[] starts)
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
            KeylessWorkers.Record(recorder, error, starts[id & TimestampMask]);
        }
    }
}
