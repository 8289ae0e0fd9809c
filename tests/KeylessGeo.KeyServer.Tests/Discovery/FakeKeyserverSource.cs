using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Discovery;

namespace KeylessGeo.KeyServer.Tests.Discovery;

/// <summary>
/// A source the test sets by hand: each read returns fresh copies (so lists must compare by
/// value), counts reads, and signals a change only when the test says so.
/// </summary>
internal sealed class FakeKeyserverSource : IKeyserverSource
{
    public static readonly string[] Topology = ["fra1", "ams1", "sfo1"];

    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _watching = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private KeyserverInfo[] _keyservers = [];
    private Action? _changed;
    private int _reads;

    public string OwnDatacenter => "fra1";

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Completes once the watch service follows this source.</summary>
    public Task Watching => _watching.Task;

    public static KeyserverInfo Keyserver(string id, string datacenter, bool serving = true, double ecdsaPerSecond = 1000)
    {
        var info = new KeyserverInfo
        {
            KeyserverId = id,
            Datacenter = datacenter,
            Region = "EU",
            Serving = serving,
            Accelerator = new Accelerator { Kind = "", Multiplier = 1 },
        };
        info.GrpcEndpoints.Add($"https://{id}.test:7443");
        info.KeylessEndpoints.Add($"{id}.test:2407");
        info.Algorithms.Add(new AlgorithmCapacity { Algorithm = "ecdsa-p256", OperationsPerSecond = ecdsaPerSecond });
        return info;
    }

    public void Set(params KeyserverInfo[] keyservers)
    {
        lock (_lock)
        {
            _keyservers = keyservers;
        }
    }

    /// <summary>Signals a change, as a new read of the advertisements would.</summary>
    public void Signal()
    {
        Action? changed;
        lock (_lock)
        {
            changed = _changed;
        }

        changed?.Invoke();
    }

    /// <summary>When set, reads throw (a fault in what the lists are built from).</summary>
    public bool Fail { get; set; }

    public KnownKeyservers Read()
    {
        Interlocked.Increment(ref _reads);
        lock (_lock)
        {
            if (Fail)
            {
                throw new InvalidOperationException("the source is broken");
            }

            return new KnownKeyservers(_keyservers.Select(static k => k.Clone()), static d => Topology.Contains(d));
        }
    }

    public async Task WatchAsync(Action changed, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _changed = changed;
        }

        _watching.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (_lock)
            {
                _changed = null;
            }
        }
    }
}
