using System.Collections.Frozen;
using System.Collections.Immutable;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// One read of every known keyserver, grouped by datacenter, each group ordered by keyserver id so
/// two reads compare entry by entry. Immutable once built: its <see cref="KeyserverInfo"/> messages
/// are shared by every stream that sends them and must not be changed.
/// </summary>
internal sealed class KnownKeyservers
{
    private readonly FrozenDictionary<string, ImmutableArray<KeyserverInfo>> _byDatacenter;
    private readonly Func<string, bool> _inTopology;

    /// <param name="keyservers">Every known keyserver (one entry per id).</param>
    /// <param name="inTopology">Whether a datacenter id exists even when no keyserver of it is known.</param>
    public KnownKeyservers(IEnumerable<KeyserverInfo> keyservers, Func<string, bool> inTopology)
    {
        _byDatacenter = keyservers
            .GroupBy(static k => k.Datacenter, StringComparer.Ordinal)
            .ToFrozenDictionary(
                static g => g.Key,
                static g => g.OrderBy(static k => k.KeyserverId, StringComparer.Ordinal).ToImmutableArray(),
                StringComparer.Ordinal);
        _inTopology = inTopology;
    }

    /// <summary>The keyservers of <paramref name="datacenter"/>, ordered by id (empty when none is known).</summary>
    public ImmutableArray<KeyserverInfo> In(string datacenter) =>
        _byDatacenter.TryGetValue(datacenter, out var keyservers) ? keyservers : [];

    /// <summary>Whether <paramref name="datacenter"/> exists: a keyserver of it is known, or the topology names it.</summary>
    public bool Knows(string datacenter) => _byDatacenter.ContainsKey(datacenter) || _inTopology(datacenter);

    /// <summary>Whether two lists say the same thing (same keyservers, in the same order, with equal fields).</summary>
    public static bool Same(ImmutableArray<KeyserverInfo> a, ImmutableArray<KeyserverInfo> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }
}
