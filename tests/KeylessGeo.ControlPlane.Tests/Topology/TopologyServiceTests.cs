using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Topology;

namespace KeylessGeo.ControlPlane.Tests.Topology;

/// <summary>Replacing the topology re-evaluates every policy in the same commit.</summary>
public sealed class TopologyServiceTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => _harness.SetUpAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Get_ReturnsTheDatacentersAndTheirRegisteredWrappingKeys()
    {
        var topology = await _harness.Services.Topology.GetAsync(CancellationToken.None);

        Assert.Equal<string>(TestTopology.Ids, topology.Datacenters.Select(d => d.Id));
        var fra1 = topology.Datacenters.Single(d => d.Id == "fra1");
        Assert.Equal(("EU", "DE", "high-security"), (fra1.Region, fra1.Country, fra1.Tier));
        Assert.Equal<string>(["pci"], fra1.Labels);
        Assert.Equal(_harness.DatacenterKey("fra1").Fingerprint, topology.WrappingKeys.Single(k => k.Datacenter == "fra1").Fingerprint);
    }

    [Fact]
    public async Task Replace_WithAnInvalidTopology_ReportsEveryErrorAtOnce_AndChangesNothing()
    {
        ImmutableArray<KeylessGeo.Policy.Topology.Datacenter> bad =
        [
            TestTopology.Dc("fra1", "EU", "XK"),
            TestTopology.Dc("fra1", "EUR", "DE"),
            TestTopology.Dc("Bad_Id", "EU", "DE"),
        ];

        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidTopology, ErrorKind.Invalid,
            () => _harness.Services.Topology.ReplaceAsync(ServiceHarness.Actor, new TopologyReplacement { Datacenters = bad }, CancellationToken.None));

        Assert.Equal(["datacenters[fra1].country", "datacenters[fra1].id", "datacenters[fra1].region", "datacenters[Bad_Id].id"], refused.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Replace_FromMalformedJson_IsASyntaxError()
    {
        var refused = Assert.Throws<ControlPlaneException>(() => TopologyReplacement.FromJson("{\"datacenters\": [ {\"id\": "));

        Assert.Equal(ErrorKind.Syntax, refused.Kind);
        Assert.Contains("malformed JSON", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replace_ThatWouldEmptyAPolicy_IsRefused_ButForcedItCommitsOnce_DeletingCopiesAndWrappingKeys()
    {
        await _harness.CreatePolicyAsync("us", "region: NA");
        await _harness.CreatePolicyAsync("eu", "region: EU");
        var withoutIad = TestTopology.Datacenters.Where(d => d.Id != "iad1").ToImmutableArray();

        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.TopologyBreaksPolicy, ErrorKind.Invalid,
            () => _harness.Services.Topology.ReplaceAsync(ServiceHarness.Actor, new TopologyReplacement { Datacenters = withoutIad }, CancellationToken.None));
        var error = Assert.Single(refused.Errors);
        Assert.Equal("policies[us]", error.Field);
        Assert.Equal("no-datacenter", error.Code);

        var before = await _harness.CaptureAsync();
        var change = await _harness.Services.Topology.ReplaceAsync(ServiceHarness.Actor, new TopologyReplacement { Datacenters = withoutIad, Force = true }, CancellationToken.None);

        Assert.Equal(before.Revision + 1, change.Revision);
        Assert.Equal(before.AuditCount + 1, (await _harness.CaptureAsync()).AuditCount);
        Assert.Equal<string>(["iad1"], change.Removed);
        Assert.Equal<string>(["iad1"], change.WrappingKeysDeleted);
        var placement = Assert.Single(change.Policies);
        Assert.Equal(("us", "iad1"), (placement.PolicyId, Assert.Single(placement.Removed)));
        var snapshot = await _harness.SnapshotAsync();
        Assert.Empty(snapshot.FindPolicy("us")!.WrappedKeys);
        Assert.Null(snapshot.FindWrappingKey("iad1"));
        Assert.Same(before.Snapshot.FindPolicy("eu"), snapshot.FindPolicy("eu"));
    }

    [Fact]
    public async Task Replace_AddingAMatchingDatacenter_PermitsItAsPendingUntilItsKeyIsRegistered()
    {
        await _harness.CreatePolicyAsync("eu", "region: EU");
        var withMad = TestTopology.Datacenters.Add(TestTopology.Dc("mad1", "EU", "ES"));

        var change = await _harness.Services.Topology.ReplaceAsync(ServiceHarness.Actor, new TopologyReplacement { Datacenters = withMad }, CancellationToken.None);

        var placement = Assert.Single(change.Policies);
        Assert.Equal<string>(["mad1"], placement.Added);
        Assert.Equal<string>(["mad1"], placement.Pending);
        await _harness.RegisterAsync("mad1");
        var policy = (await _harness.SnapshotAsync()).FindPolicy("eu")!;
        using var opened = _harness.OpenPolicyKeyAs("mad1", policy, policy.WrappedKeys.Single(c => c.DatacenterId == "mad1"));
    }

    [Fact]
    public async Task Replace_ChangingAnAttribute_MovesTheCopiesWithThePermittedSet()
    {
        await _harness.CreatePolicyAsync("pci", "label: pci");
        var relabelled = TestTopology.Datacenters.Select(d => d.Id == "ams1" ? d with { Labels = ["pci"] } : d).ToImmutableArray();

        var change = await _harness.Services.Topology.ReplaceAsync(ServiceHarness.Actor, new TopologyReplacement { Datacenters = relabelled }, CancellationToken.None);

        Assert.Equal<string>(["ams1"], change.Changed);
        Assert.Equal<string>(["ams1", "fra1", "iad1"], (await _harness.SnapshotAsync()).FindPolicy("pci")!.WrappedKeys.Select(c => c.DatacenterId));
    }

    [Fact]
    public async Task Replace_RemovingADatacenterAPolicyNames_IsRefusedEvenWhenForced()
    {
        await _harness.CreatePolicyAsync("two", "dc: fra1 or dc: ams1");
        var withoutAms = TestTopology.Datacenters.Where(d => d.Id != "ams1").ToImmutableArray();

        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.TopologyBreaksPolicy, ErrorKind.Invalid,
            () => _harness.Services.Topology.ReplaceAsync(ServiceHarness.Actor, new TopologyReplacement { Datacenters = withoutAms, Force = true }, CancellationToken.None));

        Assert.Equal("unknown-datacenter", Assert.Single(refused.Errors).Code);
    }

    [Fact]
    public async Task Replace_WithTheSameTopology_CommitsNothing()
    {
        var before = await _harness.CaptureAsync();

        var change = await _harness.Services.Topology.ReplaceAsync(ServiceHarness.Actor, TopologyReplacement.FromJson(TestTopology.Json), CancellationToken.None);

        Assert.Equal(before.Revision, change.Revision);
        await before.AssertUnchangedAsync(_harness.Store);
    }
}
