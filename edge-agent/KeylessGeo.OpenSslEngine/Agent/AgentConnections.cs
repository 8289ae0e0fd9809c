using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Agent;

/// <summary>
/// Idle agent connections for reuse, one per operation in flight: an nginx worker (one thread)
/// keeps a single connection; a threaded server keeps as many as it signs at once, up to the slot
/// count. Slots are taken and returned with atomic exchanges, never a lock, so a fork can never
/// leave one held. A connection from another process (inherited over fork) is closed, not used.
/// </summary>
internal static class AgentConnections
{
    private static readonly AgentConnection?[] Slots = new AgentConnection?[16];

    /// <summary>An idle connection of this process, or null.</summary>
    public static AgentConnection? Take()
    {
        var pid = LibC.getpid();
        for (var i = 0; i < Slots.Length; i++)
        {
            if (Interlocked.Exchange(ref Slots[i], null) is not { } connection)
            {
                continue;
            }

            if (connection.OwnerPid == pid)
            {
                return connection;
            }

            // The parent's socket: closing the child's copy leaves the parent's open.
            connection.Close();
        }

        return null;
    }

    /// <summary>Keeps <paramref name="connection"/> for the next operation, or closes it when every slot is full.</summary>
    public static void Return(AgentConnection connection)
    {
        for (var i = 0; i < Slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref Slots[i], connection, null) is null)
            {
                return;
            }
        }

        connection.Close();
    }
}
