using Grpc.Net.Client;
using Polly;
using Polly.CircuitBreaker;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// One remote keyserver endpoint: its channel, its client, and its own pipeline (circuit breaker
/// around the per-attempt timeout). Reference-counted: the cache holds one reference and every
/// attempt in flight one more, so an upstream that left the directory is disposed only after its
/// last call ends.
/// </summary>
internal sealed class Upstream
{
    private readonly GrpcChannel _channel;
    private int _references = 1;
    private int _retired;

    public Upstream(string endpoint, GrpcChannel channel, ResiliencePipeline<ForwardAttempt> pipeline, CircuitBreakerStateProvider breaker)
    {
        Endpoint = endpoint;
        _channel = channel;
        Client = new Contracts.V1.KeyServer.KeyServerClient(channel);
        Pipeline = pipeline;
        Breaker = breaker;
    }

    public string Endpoint { get; }

    public Contracts.V1.KeyServer.KeyServerClient Client { get; }

    /// <summary>Circuit breaker, then the per-attempt timeout, around one call.</summary>
    public ResiliencePipeline<ForwardAttempt> Pipeline { get; }

    /// <summary>
    /// The breaker's state, for diagnostics. Not for choosing candidates: Polly moves an open
    /// circuit to half-open only when a call tries it after the break, so an upstream skipped for
    /// being open would never be tried again. The pipeline itself rejects calls while it is open.
    /// </summary>
    public CircuitBreakerStateProvider Breaker { get; }

    /// <summary>Takes a reference for one call; false once the upstream is retired and released.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Returns a reference; the last one disposes the channel.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _channel.Dispose();
        }
    }

    /// <summary>Drops the cache's reference (once).</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Release();
        }
    }
}
