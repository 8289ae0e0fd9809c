using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Policies;

namespace KeylessGeo.ControlPlane.Tests.Policies;

/// <summary>Every refused policy change names the problem precisely and changes nothing.</summary>
public sealed class PolicyBadInputTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => _harness.SetUpAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Create_WithASyntaxError_ReportsLineColumnAndSuggestion()
    {
        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.PolicySyntax, ErrorKind.Syntax,
            () => _harness.CreatePolicyAsync("eu", "region: EU adn country: FR"));

        var error = Assert.Single(refused.Errors);
        Assert.Equal("text", error.Field);
        Assert.Equal(new TextPosition(1, 12), error.Position);
        Assert.Contains("did you mean 'and'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithAnUnknownAttribute_SuggestsTheRightOne()
    {
        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.PolicySyntax, ErrorKind.Syntax,
            () => _harness.CreatePolicyAsync("eu", "(label: pci) and\n  regoin: EU"));

        var error = Assert.Single(refused.Errors);
        Assert.Equal(new TextPosition(2, 3), error.Position);
        Assert.Equal("unknown attribute 'regoin' — did you mean 'region'?", error.Message);
    }

    [Fact]
    public async Task Create_WithUnknownRegionAndCountry_ReportsBothWithPositions()
    {
        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidPolicy, ErrorKind.Invalid,
            () => _harness.CreatePolicyAsync("eu", "region: EUR or country: UK"));

        Assert.Collection(refused.Errors,
            e =>
            {
                Assert.Equal("unknown-region", e.Code);
                Assert.Equal(new TextPosition(1, 9), e.Position);
                Assert.Contains("did you mean 'EU'?", e.Message, StringComparison.Ordinal);
            },
            e =>
            {
                Assert.Equal("unknown-country", e.Code);
                Assert.Contains("did you mean 'GB'?", e.Message, StringComparison.Ordinal);
            },
            e => Assert.Equal("no-datacenter", e.Code));
    }

    [Fact]
    public async Task Create_WithAnEmptyPermittedSet_IsRefused_ButAcceptedWhenForced()
    {
        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidPolicy, ErrorKind.Invalid,
            () => _harness.CreatePolicyAsync("nowhere", "region: AF"));
        Assert.Equal("no-datacenter", Assert.Single(refused.Errors).Code);

        var forced = await _harness.CreatePolicyAsync("nowhere", "region: AF", force: true);

        Assert.Empty(forced.Policy.PermittedDatacenters);
        Assert.Contains(forced.Warnings, w => w.Code == "no-datacenter");
    }

    [Fact]
    public async Task Create_BelowTheConfiguredMinimum_IsRefused()
    {
        await using var harness = new ServiceHarness(minimumPermittedDatacenters: 2);
        await harness.SetUpAsync();

        var refused = await Refusals.AssertRefusedAsync(harness, ErrorCodes.InvalidPolicy, ErrorKind.Invalid,
            () => harness.CreatePolicyAsync("one", "dc: fra1"));

        Assert.Equal("below-minimum", Assert.Single(refused.Errors).Code);
    }

    [Fact]
    public async Task Create_WithADuplicateId_IsAConflict()
    {
        await _harness.CreatePolicyAsync("eu", "region: EU");

        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.PolicyExists, ErrorKind.Conflict,
            () => _harness.CreatePolicyAsync("eu", "region: NA"));
    }

    [Fact]
    public async Task Create_WithAnInvalidId_IsASyntaxError()
    {
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidId, ErrorKind.Syntax,
            () => _harness.CreatePolicyAsync("eu/only", "region: EU"));
    }

    [Fact]
    public async Task Create_WithBothTextAndJson_IsRefused()
    {
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidRequest, ErrorKind.Syntax,
            () => _harness.Services.Policies.CreateAsync(ServiceHarness.Actor,
                new PolicyRequest { Id = "eu", Policy = new PolicyInput { Text = "region: EU", Json = "{\"region\":\"EU\"}" } }, CancellationToken.None));
    }

    [Fact]
    public async Task Create_FromTheJsonForm_ReportsJsonErrorsUnderTheJsonField()
    {
        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.PolicySyntax, ErrorKind.Syntax,
            () => _harness.Services.Policies.CreateAsync(ServiceHarness.Actor,
                new PolicyRequest { Id = "eu", Policy = PolicyInput.FromJson("{\"regoin\":\"EU\"}") }, CancellationToken.None));

        var error = Assert.Single(refused.Errors);
        Assert.Equal("json", error.Field);
        Assert.Contains("did you mean \"region\"?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithAControlCharacterInTheComment_IsRefused()
    {
        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidRequest, ErrorKind.Syntax,
            () => _harness.Services.Policies.CreateAsync(ServiceHarness.Actor,
                new PolicyRequest { Id = "eu", Policy = PolicyInput.FromText("region: EU"), Comment = "bad\0comment" }, CancellationToken.None));

        Assert.Equal("comment", Assert.Single(refused.Errors).Field);
    }

    [Fact]
    public async Task Update_OfAnUnknownPolicy_IsNotFound()
    {
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.PolicyNotFound, ErrorKind.NotFound,
            () => _harness.UpdatePolicyAsync("missing", "region: EU"));
    }

    [Fact]
    public async Task Update_ToAnEmptySet_IsRefused_AndKeepsTheCurrentVersion()
    {
        await _harness.CreatePolicyAsync("eu", "region: EU");

        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidPolicy, ErrorKind.Invalid,
            () => _harness.UpdatePolicyAsync("eu", "region: EU and region: NA"));

        Assert.Equal(1, (await _harness.SnapshotAsync()).FindPolicy("eu")!.Version);
    }
}
