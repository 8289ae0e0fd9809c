using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// A managed key set being built from a snapshot read a page at a time
/// (<see cref="ManagedKeySetBuilder.Begin"/>): each page's keys are decided as they arrive and only
/// their index entries are kept, so the whole record list is never held. The set in force keeps
/// serving meanwhile; <see cref="Finish"/> gives the new set, to be swapped in whole.
/// </summary>
internal sealed class ManagedKeySetBuild
{
    private readonly ManagedKeySetBuilder _builder;
    private readonly ManagedKeySet _previous;
    private readonly DatacenterTopology? _topology;
    private readonly string? _topologyProblem;
    private readonly Dictionary<string, PolicyVerdict> _verdicts;
    private readonly List<IndexedKey> _keys;
    private string? _lastKeyId;
    private long _generation;

    internal ManagedKeySetBuild(
        ManagedKeySetBuilder builder, ManagedKeySet previous, long revision, DatacenterTopology? topology, string? topologyProblem,
        Dictionary<string, PolicyVerdict> verdicts, int capacity)
    {
        _keys = new List<IndexedKey>(capacity);
        _builder = builder;
        _previous = previous;
        Revision = revision;
        _topology = topology;
        _topologyProblem = topologyProblem;
        _verdicts = verdicts;
    }

    /// <summary>The revision the set is declared at: the first page's (later pages and the change feed bring it forward).</summary>
    public long Revision { get; }

    /// <summary>Keys decided so far.</summary>
    public int Count => _keys.Count;

    /// <summary>
    /// Decides one page of keys; pages come in key id order (ordinal), each after the last.
    /// <paramref name="prepared"/>, when given, holds what each record's facts are, in order
    /// (<see cref="ManagedKeyPrepared.Of"/>), computed ahead.
    /// </summary>
    public void Add(IEnumerable<ManagedKeyRecord> records, ManagedKeyPrepared[]? prepared = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var at = 0;
        foreach (var record in records)
        {
            if (_lastKeyId is not null && string.CompareOrdinal(record.KeyId, _lastKeyId) <= 0)
            {
                throw new ArgumentException($"key '{record.KeyId}' does not follow key '{_lastKeyId}': snapshot pages come in key id order", nameof(records));
            }

            _lastKeyId = record.KeyId;
            _previous.TryGet(record.KeyId, out var old);
            _keys.Add(prepared is null
                ? _builder.Decide(record, old, _verdicts, ref _generation)
                : _builder.Decide(record, prepared[at], old, _verdicts, ref _generation));
            at++;
        }
    }

    /// <summary>The entries decided from the <paramref name="from"/>th key on (the keys of the pages added since).</summary>
    internal ReadOnlySpan<IndexedKey> Since(int from) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_keys)[from..];

    /// <summary>The set built, and the removed keys of the previous set logged.</summary>
    public ManagedKeySet Finish()
    {
        var set = new ManagedKeySet(Revision, _keys, _topology, _topologyProblem, _verdicts);
        _builder.ReportRemoved(_previous, set);
        return set;
    }
}
