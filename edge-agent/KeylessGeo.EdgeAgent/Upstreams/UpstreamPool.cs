using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.EdgeAgent.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>
/// Owns the upstreams. Starts from configuration (the node-local keyserver and the static list)
/// and follows the cluster's list once discovery reports one: new keyservers are added, gone
/// ones retired (their requests in flight finish first), and a keyserver already known keeps its
/// connections while its weight and serving state follow the list. Readers take
/// <see cref="Current"/> without locks.
/// </summary>
internal sealed class UpstreamPool : IDisposable
{
    private readonly UpstreamFactory _factory;
    private readonly UpstreamOptions _options;
    private readonly ILogger<UpstreamPool> _logger;
    private readonly Lock _lock = new();
    private UpstreamSet _current;

    public UpstreamPool(UpstreamFactory factory, IOptions<UpstreamOptions> options, EdgeAgentMetrics metrics, ILogger<UpstreamPool> logger)
    {
        _factory = factory;
        _options = options.Value;
        _logger = logger;
        var local = _options.LocalKeyserver.Length > 0 ? factory.Create(new UpstreamIdentity(_options.LocalKeyserver, _options.LocalKeyserver, IsLocal: true), 1) : null;
        var datacenter = _options.Keyservers
            .Select(k => factory.Create(new UpstreamIdentity(k.Id.Length > 0 ? k.Id : k.Address, k.Address, IsLocal: false), k.Weight))
            .ToArray();
        _current = new UpstreamSet(local, datacenter);
        metrics.Observe(this);
    }

    public UpstreamSet Current => Volatile.Read(ref _current);

    /// <summary>
    /// Applies the cluster's list of the datacenter's keyservers. <paramref name="localId"/> is the
    /// node-local keyserver's id when the list came from it (so it is not listed twice).
    /// </summary>
    public void Apply(IReadOnlyList<DiscoveredKeyserver> keyservers, string? localId)
    {
        ArgumentNullException.ThrowIfNull(keyservers);
        lock (_lock)
        {
            var current = _current;
            var known = current.Datacenter.ToDictionary(u => u.Identity.Address, StringComparer.Ordinal);
            var next = new List<Upstream>(keyservers.Count);
            foreach (var keyserver in keyservers)
            {
                if (keyserver.Id == localId || keyserver.Address == current.Local?.Identity.Address)
                {
                    if (current.Local is { } local)
                    {
                        local.Weight = keyserver.Weight;
                        local.Serving = keyserver.Serving;
                    }

                    continue;
                }

                if (known.Remove(keyserver.Address, out var existing))
                {
                    existing.Weight = keyserver.Weight;
                    existing.Serving = keyserver.Serving;
                    next.Add(existing);
                }
                else
                {
                    var added = _factory.Create(new UpstreamIdentity(keyserver.Id, keyserver.Address, IsLocal: false), keyserver.Weight);
                    added.Serving = keyserver.Serving;
                    next.Add(added);
                    EdgeAgentLog.UpstreamAdded(_logger, keyserver.Id, keyserver.Address, keyserver.Weight);
                }
            }

            Volatile.Write(ref _current, current with { Datacenter = [.. next] });
            foreach (var gone in known.Values)
            {
                gone.Retire();
                EdgeAgentLog.UpstreamRemoved(_logger, gone.Id, gone.Identity.Address);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _current.Local?.Retire();
            foreach (var upstream in _current.Datacenter)
            {
                upstream.Retire();
            }

            _current = UpstreamSet.Empty;
        }
    }
}
