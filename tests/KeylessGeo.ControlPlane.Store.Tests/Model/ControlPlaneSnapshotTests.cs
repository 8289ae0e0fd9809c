using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Model;

/// <summary>Lookups by id on snapshots large enough to be indexed.</summary>
public sealed class ControlPlaneSnapshotTests
{
    private static readonly ControlPlaneSnapshot Large = new()
    {
        Revision = 7,
        Keys = [.. Enumerable.Range(0, 1_000).Select(i => TestRecords.Key($"k-{i:D4}"))],
        Policies = [.. Enumerable.Range(0, 100).Select(i => TestRecords.Policy($"p-{i:D3}"))],
    };

    [Fact]
    public void FindKey_OnALargeSnapshot_FindsEveryKeyAndNothingElse()
    {
        foreach (var key in Large.Keys)
        {
            Assert.Same(key, Large.FindKey(key.KeyId));
        }

        Assert.Null(Large.FindKey("k-9999"));
        Assert.Same(Large.Policies[42], Large.FindPolicy("p-042"));
    }

    [Fact]
    public void ACopyWithOtherKeys_FindsItsOwnKeys_NotTheIndexedOnes()
    {
        Assert.NotNull(Large.FindKey("k-0001"));

        var copy = Large with { Keys = [.. Large.Keys.Skip(500), TestRecords.Key("added")] };

        Assert.Null(copy.FindKey("k-0001"));
        Assert.NotNull(copy.FindKey("added"));
        Assert.NotNull(Large.FindKey("k-0001"));
        Assert.Null(Large.FindKey("added"));
    }

    [Fact]
    public void RepeatedIds_FindTheFirst_AsAScanWould()
    {
        var first = TestRecords.Key("twice", version: 1);
        var snapshot = new ControlPlaneSnapshot { Revision = 1, Keys = [first, .. Large.Keys, TestRecords.Key("twice", version: 2)] };

        Assert.Same(first, snapshot.FindKey("twice"));
    }

    [Fact]
    public void BuildingTheIndex_DoesNotChangeEquality()
    {
        var copy = Large with { };
        _ = Large.FindKey("k-0001");

        Assert.Equal(copy, Large);
        Assert.Equal(copy.GetHashCode(), Large.GetHashCode());
    }
}
