using System.Collections.Concurrent;
using KeylessGeo.Rpc.Methods;

namespace KeylessGeo.Rpc.Server;

/// <summary>The methods mapped so far, and whether the UNIMPLEMENTED fallback route exists.</summary>
internal sealed class RpcServiceRegistry
{
    private readonly ConcurrentDictionary<string, RpcMethod> _methods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _services = new(StringComparer.Ordinal);
    private int _fallbackMapped;

    public void Register(RpcMethod method)
    {
        if (!_methods.TryAdd(method.FullName, method))
        {
            throw new InvalidOperationException($"RPC method {method.FullName} is already mapped.");
        }

        _services.TryAdd(method.ServiceName, 0);
    }

    public bool IsKnownService(string service) => _services.ContainsKey(service);

    /// <summary>True exactly once: for the caller that should map the fallback route.</summary>
    public bool TryClaimFallback() => Interlocked.Exchange(ref _fallbackMapped, 1) == 0;
}
