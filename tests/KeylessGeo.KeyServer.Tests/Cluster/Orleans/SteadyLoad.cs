using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// Open-loop signing load on one channel: a request every <c>interval</c> (fewer when
/// <c>maxInFlight</c> are outstanding), each with its own deadline, every outcome recorded with
/// its start and end on a shared clock. Open loop, so requests keep arriving while others are
/// stuck, and a failure that comes back at once does not turn into a busy loop.
/// </summary>
internal sealed class SteadyLoad(
    string name, GrpcChannel channel, string keyId, byte[] digest, TimeSpan interval, int maxInFlight, TimeSpan deadline, Stopwatch clock)
    : IAsyncDisposable
{
    private static long s_nextId;
    private readonly ConcurrentQueue<LoadOutcome> _outcomes = new();
    private readonly ConcurrentDictionary<ulong, Task> _inFlight = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _recorded = NewSignal();
    private Task? _run;

    public string Name { get; } = name;

    public TimeSpan Deadline { get; } = deadline;

    public IReadOnlyList<LoadOutcome> Outcomes => [.. _outcomes.OrderBy(o => o.Started)];

    public void Start() => _run = RunAsync(_stop.Token);

    /// <summary>Waits until the recorded outcomes satisfy <paramref name="condition"/> (checked after each one).</summary>
    public async Task WhenAsync(Func<IReadOnlyCollection<LoadOutcome>, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = Volatile.Read(ref _recorded).Task;
            if (condition(_outcomes))
            {
                return;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops sending and waits for every outstanding request's outcome.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }

        await Task.WhenAll(_inFlight.Values);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var ticks = new PeriodicTimer(interval);
        try
        {
            do
            {
                if (_inFlight.Count < maxInFlight)
                {
                    var id = (ulong)Interlocked.Increment(ref s_nextId);
                    var sent = SendAsync(id);
                    _inFlight[id] = sent;
                    if (sent.IsCompleted)
                    {
                        // It finished before it was listed: its own removal found nothing.
                        _inFlight.TryRemove(id, out _);
                    }
                }
            }
            while (await ticks.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task SendAsync(ulong id)
    {
        await Task.Yield();
        var started = clock.Elapsed;
        SignResponse? response = null;
        string? noAnswer = null;
        try
        {
            response = await ClusterProcesses.SignAsync(channel, keyId, Operation.EcdsaSha256, digest, id, Deadline);
        }
        catch (RpcException e)
        {
            noAnswer = $"gRPC {e.StatusCode} ({e.Status.Detail})";
        }
        catch (OperationCanceledException)
        {
            noAnswer = "hang guard";
        }
        catch (ObjectDisposedException)
        {
            noAnswer = "channel disposed";
        }

        _outcomes.Enqueue(new LoadOutcome(id, started, clock.Elapsed, response, noAnswer));
        _inFlight.TryRemove(id, out _);
        Interlocked.Exchange(ref _recorded, NewSignal()).TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
