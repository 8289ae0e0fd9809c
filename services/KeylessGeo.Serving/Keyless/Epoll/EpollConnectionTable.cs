namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// One loop's connections by epoll data word: a slot index and the slot's generation, so an event
/// that names a connection already closed (still queued in the kernel when it closed, or reported
/// for a socket another process briefly shared across a fork) finds nothing instead of a stranger
/// or freed memory. Used by its loop's thread only.
/// </summary>
internal sealed class EpollConnectionTable
{
    /// <summary>Data words below this are the loop's own (the listener, the wake eventfd).</summary>
    private const int Reserved = 2;

    private readonly Stack<int> _free = new();
    private EpollConnection?[] _slots = new EpollConnection?[64];
    private uint[] _generations = new uint[64];
    private int _used;

    /// <summary>Connections in the table.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="connection"/>; its epoll data word.</summary>
    public ulong Add(EpollConnection connection)
    {
        if (!_free.TryPop(out var slot))
        {
            if (_used == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
                Array.Resize(ref _generations, _generations.Length * 2);
            }

            slot = _used++;
        }

        _slots[slot] = connection;
        Count++;
        return ((ulong)++_generations[slot] << 32) | (uint)(slot + Reserved);
    }

    /// <summary>The connection <paramref name="token"/> names, or null when it has closed.</summary>
    public EpollConnection? Find(ulong token)
    {
        var slot = (int)(uint)token - Reserved;
        return slot >= 0 && slot < _used && _generations[slot] == (uint)(token >> 32) ? _slots[slot] : null;
    }

    /// <summary>Removes the connection <paramref name="token"/> names (once).</summary>
    public void Remove(ulong token)
    {
        var slot = (int)(uint)token - Reserved;
        if (slot >= 0 && slot < _used && _generations[slot] == (uint)(token >> 32) && _slots[slot] is not null)
        {
            _slots[slot] = null;
            _free.Push(slot);
            Count--;
        }
    }

    /// <summary>The connections now (a copy: closing one while iterating is allowed).</summary>
    public EpollConnection[] Snapshot()
    {
        var all = new List<EpollConnection>(Count);
        for (var i = 0; i < _used; i++)
        {
            if (_slots[i] is { } connection)
            {
                all.Add(connection);
            }
        }

        return [.. all];
    }
}
