using System.Diagnostics;
using KeylessGeo.Keyless.Client;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>
/// A closed-loop load run: <c>inflight</c> workers each send one request, wait for its answer
/// and send the next, until the duration has passed. Each worker keeps its own figures, so the
/// loop shares nothing but the client.
/// </summary>
public static class KeylessBench
{
    /// <summary>Runs <paramref name="request"/> (a ping when its opcode is Ping) for <paramref name="duration"/>.</summary>
    public static async Task<BenchResult> RunAsync(
        KeylessClient client, KeylessOperationRequest request, int inflight, TimeSpan duration, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(inflight, 1);
        var started = Stopwatch.GetTimestamp();
        var workers = new Task<Worker>[inflight];
        for (var i = 0; i < inflight; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(client, request, started, duration, requestTimeout, cancellationToken), cancellationToken);
        }

        var done = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var latencies = done.SelectMany(w => w.Latencies).Order().ToList();
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (kind, count) in done.SelectMany(w => w.Errors))
        {
            errors[kind] = errors.GetValueOrDefault(kind) + count;
        }

        return new BenchResult { Elapsed = elapsed, Latencies = latencies, Errors = errors };
    }

    private static async Task<Worker> WorkAsync(
        KeylessClient client, KeylessOperationRequest request, long started, TimeSpan duration, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        var worker = new Worker();
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            var sent = Stopwatch.GetTimestamp();
            var result = await client.SignAsync(request, requestTimeout, cancellationToken);
            if (result.IsSuccess)
            {
                worker.Latencies.Add(Stopwatch.GetElapsedTime(sent));
            }
            else
            {
                var kind = KeylessNames.KindOf(result);
                worker.Errors[kind] = worker.Errors.GetValueOrDefault(kind) + 1;
            }
        }

        return worker;
    }

    private sealed class Worker
    {
        public List<TimeSpan> Latencies { get; } = [];

        public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);
    }
}
