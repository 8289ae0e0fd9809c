using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>
/// One page of a snapshot read a page at a time (<see cref="IControlPlaneStore.ReadSnapshotPageAsync"/>):
/// the managed keys after a key id, in key id order (ordinal), all read at <see cref="Revision"/>.
/// The first page (read with no key id) also carries the topology, the wrapping keys and the
/// policies, which are few; later pages carry keys only.
/// </summary>
public sealed record SnapshotPage
{
    /// <summary>The revision every record of this page was read at.</summary>
    public required long Revision { get; init; }

    /// <summary>The topology (first page only).</summary>
    public ImmutableArray<DatacenterRecord> Datacenters { get; init; } = [];

    /// <summary>The wrapping keys (first page only).</summary>
    public ImmutableArray<WrappingKeyRecord> WrappingKeys { get; init; } = [];

    /// <summary>The policies (first page only).</summary>
    public ImmutableArray<PolicyRecord> Policies { get; init; } = [];

    /// <summary>Keys whose id follows the page's start, in key id order (ordinal), at most the count asked for.</summary>
    public ImmutableArray<ManagedKeyRecord> Keys { get; init; } = [];

    /// <summary>
    /// First page only: about how many keys the whole snapshot holds (exact for the embedded and
    /// in-memory stores, PostgreSQL's planner estimate), so a reader can size what it builds from
    /// the pages once instead of growing it; 0 when unknown. A hint, never a bound: read until
    /// <see cref="More"/> is false.
    /// </summary>
    public long KeyCountHint { get; init; }

    /// <summary>True when keys after the last one of this page may exist: read the next page after <see cref="LastKeyId"/>.</summary>
    public bool More { get; init; }

    /// <summary>The id of this page's last key, where the next page starts; null for a page without keys.</summary>
    public string? LastKeyId => Keys.IsDefaultOrEmpty ? null : Keys[^1].KeyId;

    /// <summary>
    /// The page of <paramref name="snapshot"/> after <paramref name="afterKeyId"/> (null: the first
    /// page), at most <paramref name="maxKeys"/> keys: a binary search in its sorted keys.
    /// </summary>
    public static SnapshotPage Of(ControlPlaneSnapshot snapshot, string? afterKeyId, int maxKeys)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        var keys = snapshot.Keys;
        var start = afterKeyId is null ? 0 : FirstAfter(keys, afterKeyId);
        var count = Math.Min(maxKeys, keys.Length - start);
        var page = new SnapshotPage
        {
            Revision = snapshot.Revision,
            Keys = keys.Slice(start, count),
            More = start + count < keys.Length,
        };
        return afterKeyId is null
            ? page with { Datacenters = snapshot.Datacenters, WrappingKeys = snapshot.WrappingKeys, Policies = snapshot.Policies, KeyCountHint = keys.Length }
            : page;
    }

    // The index of the first key whose id sorts after afterKeyId (ordinal).
    private static int FirstAfter(ImmutableArray<ManagedKeyRecord> keys, string afterKeyId)
    {
        int low = 0, high = keys.Length;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (string.CompareOrdinal(keys[middle].KeyId, afterKeyId) <= 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
