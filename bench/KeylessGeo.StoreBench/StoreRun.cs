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
    private const int WarmUpCommits = 5;
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
        // A few unmeasured commits first: the first one after a load trims the change feed's
        // retention (whole load revisions of 5,000 records), which is not what a single-key commit costs.
        for (var i = 0; i < WarmUpCommits; i++)
        {
            await CommitOneAsync(version: 1_000 + i);
        }

        var times = new List<double>();
        var bytes = new List<double>();
        for (var i = 0; i < commitsPerSize; i++)
        {
            var before = await target.WrittenBytesAsync();
            times.Add(await CommitOneAsync(version: 2 + i));
            bytes.Add(await target.WrittenBytesAsync() - before);
        }

        return new CommitFigures(
            target.Name, _keys, _policies, commitsPerSize, Percentiles.Of(times, 50), Percentiles.Of(times, 95),
            Percentiles.Of(bytes, 50), bytes.Average(), target.BytesMeaning, loadSeconds, notes);
    }

    /// <summary>Replaces one random existing key with a new version; returns the commit's time in milliseconds.</summary>
    private async Task<double> CommitOneAsync(int version)
    {
        var index = _random.Next(_keys);
        var change = SyntheticRecords.Change("key.rotate", "key/" + SyntheticRecords.KeyId(index)) with
        {
            UpsertKeys = [SyntheticRecords.Key(index, Math.Max(1, _keys / KeysPerPolicy), version, _random)],
        };
        var revision = await target.Store.GetRevisionAsync(CancellationToken.None);
        var started = Stopwatch.GetTimestamp();
        await target.Store.CommitAsync(change, revision, CancellationToken.None);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
