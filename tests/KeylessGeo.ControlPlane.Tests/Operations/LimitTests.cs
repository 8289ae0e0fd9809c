using System.Net;
using System.Net.Http.Json;
using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Policies;
using KeylessGeo.ControlPlane.Topology;

namespace KeylessGeo.ControlPlane.Tests.Operations;

/// <summary>
/// The limits on how many policies and keys the store holds and one request writes: each refusal
/// names the setting, the limit and the count, and changes nothing.
/// </summary>
public sealed class LimitTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => _harness.SetUpAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task CreatingMorePoliciesThanMaxPolicies_IsRefused_UntilOneIsDeleted()
    {
        var services = Limited(new ControlPlaneLimits { MaxPolicies = 2, MaxPoliciesPerRequest = 2 });
        await CreateAsync(services, "eu-1");
        await CreateAsync(services, "eu-2");

        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.PolicyLimitReached, ErrorKind.Conflict, () => CreateAsync(services, "eu-3"));

        Assert.Equal(new LimitExceeded("ControlPlane:Limits:MaxPolicies", 2, 2, 1), refused.Limit);
        Assert.Contains("holds 2 policies", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Limits:MaxPolicies is 2", refused.Message, StringComparison.Ordinal);
        Assert.Equal("id", Assert.Single(refused.Errors).Field);

        // At the limit, changes that add nothing still go through; a deletion makes room.
        await services.Policies.UpdateAsync(ServiceHarness.Actor, Request("eu-2", "region: EU and not country: FR"), CancellationToken.None);
        await services.PolicyKeys.DeleteAsync(ServiceHarness.Actor, "eu-1", CancellationToken.None);
        await CreateAsync(services, "eu-3");
        Assert.Equal(["eu-2", "eu-3"], (await _harness.SnapshotAsync()).Policies.Select(p => p.Id));
    }

    [Fact]
    public async Task ImportingMoreKeysThanMaxKeys_IsRefused_ButRotatingAKeyIsNot()
    {
        var services = Limited(new ControlPlaneLimits { MaxKeys = 1, MaxKeysPerRequest = 1 });
        await CreateAsync(services, "eu");
        await ImportAsync(services, "k1");

        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.KeyLimitReached, ErrorKind.Conflict, () => ImportAsync(services, "k2"));

        Assert.Equal(new LimitExceeded("ControlPlane:Limits:MaxKeys", 1, 1, 1), refused.Limit);
        Assert.Equal("keyId", Assert.Single(refused.Errors).Field);
        using var material = TestKeys.Material(TestKeys.EcP256Pkcs8());
        var rotated = await services.Keys.RotateAsync(ServiceHarness.Actor, new RotateKeyRequest { KeyId = "k1", PrivateKey = material }, CancellationToken.None);
        Assert.Equal(2, rotated.Key.Version);
    }

    [Fact]
    public async Task ATopologyChangeRewritingMorePoliciesThanOneRequestMay_IsRefusedAs413()
    {
        var services = Limited(new ControlPlaneLimits { MaxPoliciesPerRequest = 1 });
        await CreateAsync(services, "eu-1");
        await CreateAsync(services, "eu-2");
        var withoutAms = TopologyReplacement.FromJson(TestTopology.Json) with
        {
            Datacenters = [.. TestTopology.Datacenters.Where(d => d.Id != "ams1")],
        };

        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.RequestTooLarge, ErrorKind.TooLarge,
            () => services.Topology.ReplaceAsync(ServiceHarness.Actor, withoutAms, CancellationToken.None));

        Assert.Equal(new LimitExceeded("ControlPlane:Limits:MaxPoliciesPerRequest", 1, 2, 2), refused.Limit);
        Assert.Contains("write 2 policy records", refused.Message, StringComparison.Ordinal);
        Assert.Equal("ControlPlane:Limits:MaxPoliciesPerRequest", Assert.Single(refused.Errors).Field);
    }

    [Fact]
    public async Task APolicyKeyRotationRewrappingMoreKeysThanOneRequestMay_IsRefusedAs413()
    {
        var services = Limited(new ControlPlaneLimits { MaxKeysPerRequest = 1 });
        await CreateAsync(services, "eu");
        await ImportAsync(services, "k1");
        await ImportAsync(services, "k2");

        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.RequestTooLarge, ErrorKind.TooLarge,
            () => services.PolicyKeys.RotateKeyAsync(ServiceHarness.Actor, "eu", CancellationToken.None));

        Assert.Equal(new LimitExceeded("ControlPlane:Limits:MaxKeysPerRequest", 1, 2, 2), refused.Limit);
        Assert.Contains("write 2 key records", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverHttp_ALimitIsA409ProblemCarryingTheSettingTheLimitAndTheCount()
    {
        await using var host = await ApiHost.StartAsync(settings: new Dictionary<string, string?> { ["ControlPlane:Limits:MaxPolicies"] = "1", ["ControlPlane:Limits:MaxPoliciesPerRequest"] = "1" });
        using var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/topology", new StringContent(TestTopology.Json))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/v1/policies", new { id = "eu-1", text = "region: EU" })).StatusCode);

        using var response = await client.PostAsJsonAsync("/v1/policies", new { id = "eu-2", text = "region: EU" });

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, ErrorCodes.PolicyLimitReached);
        var limit = problem.GetProperty("limit");
        Assert.Equal("ControlPlane:Limits:MaxPolicies", limit.GetProperty("setting").GetString());
        Assert.Equal(1, limit.GetProperty("limit").GetInt32());
        Assert.Equal(1, limit.GetProperty("current").GetInt32());
        Assert.Equal(1, limit.GetProperty("requested").GetInt32());
    }

    [Fact]
    public void InvalidLimits_AreConfigurationErrors_NamingEachSetting()
    {
        var result = new ControlPlaneOptionsValidator().Validate(null, new ControlPlaneOptions
        {
            Store = new StoreOptions { Kind = "in-memory", IntegrityCheckInterval = TimeSpan.Zero },
            WrappingKeyPath = _harness.Directory.File("cp.key"),
            Listen = new ControlPlaneListenOptions { Port = -1, PlaintextPort = 0 },
            Limits = new ControlPlaneLimits { MaxPolicies = 0, MaxKeys = 5, MaxKeysPerRequest = 6 },
        });

        var failures = string.Join("\n", result.Failures!);
        Assert.Contains("ControlPlane:Limits:MaxPolicies 0 must be at least 1", failures, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Limits:MaxKeysPerRequest 6 is more than ControlPlane:Limits:MaxKeys 5", failures, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Store:IntegrityCheckInterval", failures, StringComparison.Ordinal);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Throws<ArgumentException>(() => ControlPlaneServices.Create(_harness.Store, _harness.Keyring, new ControlPlaneServiceOptions { Limits = new ControlPlaneLimits { MaxKeys = 0 } }));
    }

    [Fact]
    public void TheDefaults_AreValid_AndPerRequestLimitsEqualTheTotals()
    {
        var defaults = new ControlPlaneLimits();

        Assert.Empty(defaults.Validate());
        Assert.Equal(1_000, defaults.MaxPolicies);
        Assert.Equal(10_000, defaults.MaxKeys);
        Assert.Equal(defaults.MaxPolicies, defaults.MaxPoliciesPerRequest);
        Assert.Equal(defaults.MaxKeys, defaults.MaxKeysPerRequest);
    }

    private ControlPlaneServices Limited(ControlPlaneLimits limits) =>
        ControlPlaneServices.Create(_harness.Store, _harness.Keyring, new ControlPlaneServiceOptions { Limits = limits }, _harness.Time);

    private static PolicyRequest Request(string id, string text) => new() { Id = id, Policy = PolicyInput.FromText(text), Comment = "limits" };

    private static Task<PolicyChange> CreateAsync(ControlPlaneServices services, string id) =>
        services.Policies.CreateAsync(ServiceHarness.Actor, Request(id, "region: EU"), CancellationToken.None);

    private static async Task<KeyChange> ImportAsync(ControlPlaneServices services, string keyId)
    {
        using var material = TestKeys.Material(TestKeys.EcP256Pkcs8());
        return await services.Keys.ImportAsync(ServiceHarness.Actor, new ImportKeyRequest { KeyId = keyId, PolicyId = "eu", PrivateKey = material }, CancellationToken.None);
    }
}
