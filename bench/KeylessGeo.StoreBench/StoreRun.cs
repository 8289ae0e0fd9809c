using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.StoreBench;

/// <summary>
/// Grows one store through the sizes asked for (keys under keys/100 policies, loaded in commits of
/// up to 5,000 keys) and at each size measures single-key commits: each replaces one existing key
/// (a new version) at the current revision, timed alone, with the bytes written around it.
/// </summary>
internal sealed class StoreRun(IBenchTarget target, int commitsPerSize, TextWriter log)
{
    private const int LoadBatch = 5_000;
    private const int KeysPerPolicy = 100;
    private readonly Random _random = new(20261206);
    private int _keys;
    private int _policies;

    public async Task<List<CommitFigures>> RunAsync(IReadOnlyList<int> sizes)
    {
        var figures = new List<CommitFigures>();
        foreach (var size in sizes)
        {
            var loadSeconds = await GrowToAsync(size);
            var notes = await target.AfterLoadAsync();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target.Name}: {size:N0} keys loaded in {loadSeconds:F1} s; {notes}"));
            figures.Add(await MeasureAsync(loadSeconds, notes));
            log.WriteLine(figures[^1].ToMarkdownRow());
        }

        return figures;
    }

    private async Task<double> GrowToAsync(int size)
    {
        var started = Stopwatch.GetTimestamp();
        var policyTarget = Math.Max(1, size / KeysPerPolicy);
        while (_keys < size || _policies < policyTarget)
        {
            var policies = ImmutableArray.CreateBuilder<PolicyRecord>();
            while (_policies < policyTarget && policies.Count < LoadBatch)
            {
                policies.Add(SyntheticRecords.Policy(_policies++, _random));
            }

            var keys = ImmutableArray.CreateBuilder<ManagedKeyRecord>();
            while (_keys < size && keys.Count + policies.Count < LoadBatch)
            {
                keys.Add(SyntheticRecords.Key(_keys++, policyTarget, version: 1, _random));
            }

            var revision = await target.Store.GetRevisionAsync(CancellationToken.None);
            await target.Store.CommitAsync(SyntheticRecords.Upserts(policies.ToImmutable(), keys.ToImmutable()), revision, CancellationToken.None);
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private async Task<CommitFigures> MeasureAsync(double loadSeconds, string notes)
    {
        var times = new List<double>();
        long bytes = 0;
        var policyCount = Math.Max(1, _keys / KeysPerPolicy);
        for (var i = 0; i < commitsPerSize; i++)
        {
            var index = _random.Next(_keys);
            var change = SyntheticRecords.Change("key.rotate", "key/" + SyntheticRecords.KeyId(index)) with
            {
                UpsertKeys = [SyntheticRecords.Key(index, policyCount, version: 2 + i, _random)],
            };
            var revision = await target.Store.GetRevisionAsync(CancellationToken.None);
            var before = await target.WrittenBytesAsync();
            var started = Stopwatch.GetTimestamp();
            await target.Store.CommitAsync(change, revision, CancellationToken.None);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            bytes += await target.WrittenBytesAsync() - before;
        }

        return new CommitFigures(target.Name, _keys, _policies, commitsPerSize, Percentiles.Of(times, 50), Percentiles.Of(times, 95), (double)bytes / commitsPerSize, target.BytesMeaning, loadSeconds, notes);
    }
}
