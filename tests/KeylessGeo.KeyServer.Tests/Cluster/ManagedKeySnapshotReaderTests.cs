using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// The re-sync's page reading: every page is added once, in order, the first one begun on; the next
/// page is asked for before the current one is added (its read runs beside the indexing); and a
/// failure adding a page is the one reported, with the read already in flight observed.
/// </summary>
public sealed class ManagedKeySnapshotReaderTests
{
    [Fact]
    public async Task EveryPage_IsAddedOnceInOrder_AfterTheFirstBeganTheResync()
    {
        var pages = Pages(4);
        var events = new List<string>();

        var resync = await ManagedKeySnapshotReader.ReadAsync(
            (after, _) =>
            {
                events.Add($"read after {after ?? "start"}");
                return Task.FromResult(pages[after ?? ""]);
            },
            first =>
            {
                events.Add($"begin at {first.Revision}");
                return new List<string>();
            },
            (added, page, prepared) =>
            {
                events.Add($"add {page.LastKeyId}");
                Assert.Null(prepared);
                added.AddRange(page.Keys.Select(k => k.KeyId));
            },
            prepareAhead: false,
            CancellationToken.None);

        Assert.Equal(["k0", "k1", "k2", "k3"], resync);
        Assert.Equal(
            ["read after start", "begin at 7", "read after k0", "add k0", "read after k1", "add k1", "read after k2", "add k2", "add k3"],
            events);
    }

    [Fact]
    public async Task AFailureAddingAPage_IsReported_AndTheReadInFlightIsObserved()
    {
        var pages = Pages(3);
        var second = new TaskCompletionSource<SnapshotPage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;

        var reading = ManagedKeySnapshotReader.ReadAsync(
            (after, _) =>
            {
                reads++;
                return after is null ? Task.FromResult(pages[""]) : second.Task;
            },
            _ => 0,
            (_, _, _) => throw new ArgumentException("keys out of order"),
            prepareAhead: false,
            CancellationToken.None);
        // The next page was asked for before the first was added, and the failure waits for that read.
        Assert.Equal(2, reads);
        Assert.False(reading.IsCompleted);
        second.SetException(new TimeoutException("the store did not answer"));

        var failure = await Assert.ThrowsAsync<ArgumentException>(() => reading);

        Assert.Equal("keys out of order", failure.Message);
    }

    [Fact]
    public async Task PreparedAhead_EachPageComesWithItsKeysFacts_InOrder()
    {
        var pages = Pages(3);
        var seen = new List<(string KeyId, ManagedKeyPrepared Facts)>();

        await ManagedKeySnapshotReader.ReadAsync(
            (after, _) => Task.FromResult(pages[after ?? ""]),
            _ => seen,
            (list, page, prepared) =>
            {
                Assert.NotNull(prepared);
                Assert.Equal(page.Keys.Length, prepared.Length);
                list.AddRange(page.Keys.Select((k, i) => (k.KeyId, prepared[i])));
            },
            prepareAhead: true,
            CancellationToken.None);

        Assert.Equal(["k0", "k1", "k2"], seen.Select(s => s.KeyId));
        foreach (var (keyId, facts) in seen)
        {
            var record = pages.Values.SelectMany(p => p.Keys).Single(k => k.KeyId == keyId);
            Assert.Equal(BitConverter.ToInt64(ManagedKeyContent.Digest(record)), facts.ContentDigest);
            Assert.Equal(ManagedKeyEntries.Inspect(record), facts.Shape);
        }
    }

    // Pages of one key each, by the key id they start after ("" for the first page).
    private static Dictionary<string, SnapshotPage> Pages(int count)
    {
        var pages = new Dictionary<string, SnapshotPage>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            pages[i == 0 ? "" : $"k{i - 1}"] = new SnapshotPage { Revision = 7 + i, Keys = [Key($"k{i}")], More = i < count - 1 };
        }

        return pages;
    }

    private static ManagedKeyRecord Key(string keyId) => new()
    {
        KeyId = keyId,
        PolicyId = "p1",
        Version = 1,
        Algorithm = "ecdsa-p256",
        SubjectPublicKeyInfo = [1, (byte)keyId[^1]],
        Ski = new byte[20],
        HostNames = ImmutableArray<string>.Empty,
        PolicyKeyGeneration = 1,
        WrappedPrivateKey = [2, (byte)keyId[^1]],
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}
