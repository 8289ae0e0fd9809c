using System.Text.Json;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.ControlPlane.Tests.Audit;

/// <summary>Every change is audited in the same commit, the chain verifies, and editing any entry is caught there.</summary>
public sealed class AuditTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();
    private string _pem = "";

    public async Task InitializeAsync()
    {
        await _harness.SetUpAsync();
        await _harness.CreatePolicyAsync("eu", "region: EU");
        _pem = TestKeys.EcP256Pkcs8();
        await _harness.ImportAsync("shop", "eu", _pem, certificate: TestKeys.Certificate(_pem, "shop.example"));
        await _harness.UpdatePolicyAsync("eu", "region: EU and not country: FR");
        await _harness.Services.PolicyKeys.RotateKeyAsync(ServiceHarness.Actor, "eu", CancellationToken.None);
        await _harness.Services.Keys.RemoveAsync(ServiceHarness.Actor, "shop", CancellationToken.None);
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task EveryOperation_WritesOneEntry_WithActorActionAndSubject()
    {
        var page = await _harness.Services.Audit.ListAsync(1, 100, CancellationToken.None);

        Assert.Equal(
            ["topology.replace", "datacenter.register-key", "datacenter.register-key", "datacenter.register-key", "datacenter.register-key",
                "policy.create", "key.import", "policy.update", "policy.rotate-key", "key.remove"],
            page.Entries.Select(e => e.Action));
        Assert.All(page.Entries, e => Assert.Equal(ServiceHarness.Actor, e.Actor));
        Assert.Equal("policy/eu", page.Entries[5].Subject);
        Assert.Equal("key/shop", page.Entries[6].Subject);
        Assert.Equal((await _harness.SnapshotAsync()).Revision, page.Entries[^1].Revision);
        Assert.Null(page.NextSequence);
    }

    [Fact]
    public async Task PolicyUpdate_Details_HoldOldAndNewTextAndTheDatacentersAddedAndRemoved()
    {
        var update = (await _harness.Services.Audit.ListAsync(1, 100, CancellationToken.None)).Entries.Single(e => e.Action == "policy.update");

        using var details = JsonDocument.Parse(update.Details);
        Assert.Equal("region: EU", details.RootElement.GetProperty("oldText").GetString());
        Assert.Equal("region: EU and not country: FR", details.RootElement.GetProperty("newText").GetString());
        Assert.Equal(["cdg1"], details.RootElement.GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(details.RootElement.GetProperty("added").EnumerateArray());
        Assert.Equal(2, details.RootElement.GetProperty("newVersion").GetInt64());
    }

    [Fact]
    public async Task Details_AreCanonicalJson_AndHoldNoKeyMaterial()
    {
        var entries = (await _harness.Services.Audit.ListAsync(1, 100, CancellationToken.None)).Entries;
        var der = TestKeys.Pkcs8Der(_pem);
        var blobs = new[] { Convert.ToBase64String(der)[..20], Convert.ToHexStringLower(der)[..20], _pem.Split('\n')[1][..20] };

        foreach (var entry in entries)
        {
            var keys = JsonDocument.Parse(entry.Details).RootElement.EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
            Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(entry.Details).RootElement), entry.Details);
            Assert.All(blobs, secret => Assert.DoesNotContain(secret, entry.Details, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Verify_OfAnUntouchedLog_IsIntact()
    {
        var result = await _harness.Services.Audit.VerifyAsync(CancellationToken.None);

        Assert.True(result.Intact);
        Assert.Equal(10, result.VerifiedCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(10)]
    public async Task Verify_AfterAnyEntryIsEdited_FailsAtThatEntry(long sequence)
    {
        _harness.Store.TamperWithAudit(sequence, e => e with { Actor = "mallory" });

        var result = await _harness.Services.Audit.VerifyAsync(CancellationToken.None);

        Assert.False(result.Intact);
        Assert.Equal(sequence, result.BrokenAtSequence);
        Assert.Equal(sequence - 1, result.VerifiedCount);
        Assert.Contains("edited", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterAnEntryIsRehashed_FailsAtTheNextEntry()
    {
        _harness.Store.TamperWithAudit(4, e =>
        {
            var edited = e with { Details = "{}" };
            return edited with { Hash = AuditChain.ComputeHash(edited) };
        });

        var result = await _harness.Services.Audit.VerifyAsync(CancellationToken.None);

        Assert.Equal(5, result.BrokenAtSequence);
    }

    [Fact]
    public async Task List_PagesThroughTheLog()
    {
        var first = await _harness.Services.Audit.ListAsync(1, 4, CancellationToken.None);
        var second = await _harness.Services.Audit.ListAsync(first.NextSequence!.Value, 4, CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4], first.Entries.Select(e => e.Sequence));
        Assert.Equal(5, first.NextSequence);
        Assert.Equal([5L, 6, 7, 8], second.Entries.Select(e => e.Sequence));
        Assert.True(AuditChain.Verify(first.Entries.Concat(second.Entries).Select(e => e.ToEntry())).IsIntact);
    }

    [Fact]
    public async Task RefusedOperations_WriteNoEntry()
    {
        var before = await _harness.CaptureAsync();
        using var material = TestKeys.Material("garbage");

        await Assert.ThrowsAsync<KeylessGeo.ControlPlane.Operations.ControlPlaneException>(() =>
            _harness.Services.Keys.ImportAsync(ServiceHarness.Actor, new ImportKeyRequest { KeyId = "x", PolicyId = "eu", PrivateKey = material }, CancellationToken.None));

        await before.AssertUnchangedAsync(_harness.Store);
    }
}
