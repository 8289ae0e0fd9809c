namespace KeylessGeo.Keyless.Client;

/// <summary>
/// The connections of one client. Each request goes to the connection with the fewest
/// requests in flight; an empty slot counts as zero, so a new connection is opened (lazily)
/// only when every open one is busy, and load spreads as it grows.
/// </summary>
internal sealed class ConnectionPool
{
    private readonly ConnectionSlot[] _slots;
    private readonly ClientContext _context;

    public ConnectionPool(ClientContext context)
    {
        _context = context;
        _slots = new ConnectionSlot[context.Options.ConnectionCount];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new ConnectionSlot(context);
        }
    }

    /// <summary>Picks the least-loaded connection with room, opening one in an idle slot when that is better.</summary>
    public SelectStatus Select(out KeylessConnection? connection)
    {
        var max = _context.Options.MaxInFlightPerConnection;
        var now = _context.Time.GetTimestamp();
        KeylessConnection? best = null;
        ConnectionSlot? idle = null;
        var bestLoad = int.MaxValue;
        var anyFull = false;
        foreach (var slot in _slots)
        {
            var current = slot.Current;
            if (current is null || current.IsClosed)
            {
                if (idle is null && !slot.IsBackingOff(now))
                {
                    idle = slot;
                }

                continue;
            }

            var load = current.InFlight;
            if (load >= max)
            {
                anyFull = true;
            }
            else if (load < bestLoad)
            {
                best = current;
                bestLoad = load;
            }
        }

        if (idle is not null && (best is null || bestLoad > 0))
        {
            connection = idle.Open();
            return SelectStatus.Selected;
        }

        connection = best;
        return best is not null ? SelectStatus.Selected : anyFull ? SelectStatus.Overloaded : SelectStatus.Unavailable;
    }

    /// <summary>Connections currently open or connecting.</summary>
    public int ConnectionCount()
    {
        var count = 0;
        foreach (var slot in _slots)
        {
            count += slot.Current is { IsClosed: false } ? 1 : 0;
        }

        return count;
    }

    /// <summary>Requests awaiting an answer across the pool.</summary>
    public int InFlight()
    {
        var count = 0;
        foreach (var slot in _slots)
        {
            count += slot.Current?.InFlight ?? 0;
        }

        return count;
    }

    /// <summary>Closes every connection and waits for their loops to stop.</summary>
    public Task CloseAllAsync(string reason)
    {
        var tasks = new List<Task>(_slots.Length);
        foreach (var slot in _slots)
        {
            if (slot.Current is { } connection)
            {
                connection.Fail(reason, connectFailed: false);
                tasks.Add(connection.Completion);
            }
        }

        return Task.WhenAll(tasks);
    }
}
