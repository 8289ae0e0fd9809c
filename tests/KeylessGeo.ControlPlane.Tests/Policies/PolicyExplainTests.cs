using KeylessGeo.ControlPlane.Policies;

namespace KeylessGeo.ControlPlane.Tests.Policies;

/// <summary>The dry run explains every decision and the change from an existing policy, and changes nothing.</summary>
public sealed class PolicyExplainTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => _harness.SetUpAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Explain_GivesThePermittedSetAndTheEvaluatorsExplanationPerDatacenter()
    {
        var before = await _harness.CaptureAsync();

        var explanation = await _harness.Services.Policies.ExplainAsync(
            new ExplainPolicyRequest { Policy = PolicyInput.FromText("(region: EU) and (not country: FR)") }, CancellationToken.None);

        await before.AssertUnchangedAsync(_harness.Store);
        Assert.True(explanation.Valid);
        Assert.Equal("region: EU and not country: FR", explanation.Text);
        Assert.Equal("{\"and\":[{\"region\":\"EU\"},{\"not\":{\"country\":\"FR\"}}]}", explanation.Json);
        Assert.Equal<string>(["ams1", "fra1"], explanation.Permitted);
        Assert.Contains(new DatacenterDecisionView("cdg1", false, "dc cdg1 denied: country FR is excluded by 'not country: FR'"), explanation.Decisions);
        Assert.Contains(new DatacenterDecisionView("iad1", false, "dc iad1 denied: region NA did not match 'region: EU'"), explanation.Decisions);
        Assert.Null(explanation.Diff);
    }

    [Fact]
    public async Task Explain_ForAnExistingPolicy_ShowsTheDatacentersAddedAndRemovedAndTheKeysAffected()
    {
        await _harness.CreatePolicyAsync("eu", "region: EU");
        await _harness.ImportAsync("shop", "eu", TestKeys.EcP256Pkcs8());
        var before = await _harness.CaptureAsync();

        var explanation = await _harness.Services.Policies.ExplainAsync(
            new ExplainPolicyRequest { Policy = PolicyInput.FromText("label: pci"), PolicyId = "eu" }, CancellationToken.None);

        await before.AssertUnchangedAsync(_harness.Store);
        var diff = explanation.Diff!;
        Assert.Equal<string>(["iad1"], diff.Added);
        Assert.Equal<string>(["ams1", "cdg1"], diff.Removed);
        Assert.Equal<string>(["shop"], diff.KeysAffected);
        Assert.Equal("region: EU", diff.CurrentText);
    }

    [Fact]
    public async Task Explain_ReportsValidationErrorsInTheResult_InsteadOfRefusing()
    {
        var explanation = await _harness.Services.Policies.ExplainAsync(
            new ExplainPolicyRequest { Policy = PolicyInput.FromText("region: AF or tier: gold") }, CancellationToken.None);

        Assert.False(explanation.Valid);
        Assert.Contains(explanation.Errors, e => e.Code == "no-datacenter");
        Assert.Contains(explanation.Warnings, w => w.Code == "unused-tier");
        Assert.All(explanation.Decisions, d => Assert.False(d.Permitted));
    }
}
