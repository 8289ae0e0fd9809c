namespace KeylessGeo.Serving.Connections;

/// <summary>
/// Counts an endpoint's connections, in all and per client identity, against
/// <see cref="ConnectionLimits"/>. One short lock per connection opened or closed; the map holds
/// only identities with an open connection, so its size is bounded by the endpoint limit.
/// </summary>
internal sealed class ConnectionCounter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private readonly int _maxConnections;
    private readonly int _maxPerClient;
    private int _open;

    public ConnectionCounter(ConnectionLimits limits)
    {
        _maxConnections = limits.MaxConnections;
        _maxPerClient = limits.MaxConnectionsPerClient;
    }

    /// <summary>Connections counted now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Connections <paramref name="client"/> holds now.</summary>
    public int OpenFor(string client)
    {
        lock (_lock)
        {
            return _perClient.GetValueOrDefault(client);
        }
    }

    /// <summary>Counts a new connection of <paramref name="client"/> (null: no client certificate), or says which limit refuses it.</summary>
    public ConnectionRefusal TryAcquire(string? client)
    {
        lock (_lock)
        {
            if (_open >= _maxConnections)
            {
                return ConnectionRefusal.Endpoint;
            }

            if (client is not null)
            {
                var held = _perClient.GetValueOrDefault(client);
                if (held >= _maxPerClient)
                {
                    return ConnectionRefusal.Client;
                }

                _perClient[client] = held + 1;
            }

            _open++;
            return ConnectionRefusal.None;
        }
    }

    /// <summary>Uncounts a connection that <see cref="TryAcquire"/> admitted.</summary>
    public void Release(string? client)
    {
        lock (_lock)
        {
            _open--;
            if (client is not null)
            {
                var held = _perClient[client] - 1;
                if (held == 0)
                {
                    _perClient.Remove(client);
                }
                else
                {
                    _perClient[client] = held;
                }
            }
        }
    }
}
