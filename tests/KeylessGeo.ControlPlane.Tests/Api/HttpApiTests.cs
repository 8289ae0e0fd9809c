using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeylessGeo.ControlPlane.Tests.Api;

/// <summary>The HTTP API on real Kestrel (its Unix socket, as the test process's uid): status codes and problem+json bodies.</summary>
public sealed class HttpApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _client = null!;
    private readonly Dictionary<string, ECDiffieHellman> _datacenterKeys = [];

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _client = _host.CreateClient();
        using var topology = await _client.PutAsync("/v1/topology", new StringContent(TestTopology.Json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, topology.StatusCode);
        foreach (var id in TestTopology.Ids)
        {
            _datacenterKeys[id] = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            using var registered = await _client.PutAsJsonAsync($"/v1/datacenters/{id}/wrapping-key", new { publicKey = _datacenterKeys[id].ExportSubjectPublicKeyInfoPem() });
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }
    }

    public async Task DisposeAsync()
    {
        Assert.Empty(_host.Logs.Errors);
        _client.Dispose();
        await _host.DisposeAsync();
        foreach (var key in _datacenterKeys.Values)
        {
            key.Dispose();
        }
    }

    [Fact]
    public async Task Healthz_ReportsTheStore()
    {
        var health = await _client.GetFromJsonAsync<JsonElement>("/healthz");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("in-memory", health.GetProperty("store").GetString());
    }

    [Fact]
    public async Task TheWholeFlow_CreatesImportsAndExplainsWhereTheKeyIs()
    {
        using var created = await _client.PostAsJsonAsync("/v1/policies", new { id = "eu", text = "region: EU and not country: FR", comment = "launch" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/policies/eu", created.Headers.Location?.OriginalString);
        var pem = TestKeys.EcP256Pkcs8();
        using var imported = await _client.PostAsJsonAsync("/v1/keys", new { keyId = "shop", policy = "eu", privateKey = pem, hostNames = new[] { "shop.example" } });
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);

        var key = await _client.GetFromJsonAsync<JsonElement>("/v1/keys/shop");
        var wrapped = await _client.GetFromJsonAsync<JsonElement>("/v1/keys/shop?include=wrapped");
        var placement = await _client.GetFromJsonAsync<JsonElement>("/v1/keys/shop/placement");
        var policy = await _client.GetFromJsonAsync<JsonElement>("/v1/policies/eu");

        Assert.Equal("ecdsa-p256", key.GetProperty("algorithm").GetString());
        Assert.Equal(JsonValueKind.Null, key.GetProperty("wrappedPrivateKey").ValueKind);
        Assert.Equal(JsonValueKind.String, wrapped.GetProperty("wrappedPrivateKey").ValueKind);
        Assert.Equal(["ams1", "fra1"], placement.GetProperty("datacenters").EnumerateArray().Where(d => d.GetProperty("status").GetString() == "holds-key").Select(d => d.GetProperty("datacenter").GetString()));
        Assert.Equal(["ams1", "fra1"], policy.GetProperty("permittedDatacenters").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["shop"], policy.GetProperty("keys").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Explain_ReturnsDecisionsAndTheDiff_AndChangesNothing()
    {
        await _client.PostAsJsonAsync("/v1/policies", new { id = "eu", text = "region: EU" });
        var revision = await _host.Store.GetRevisionAsync(CancellationToken.None);

        using var response = await _client.PostAsJsonAsync("/v1/policies/explain", new { json = JsonNode.Parse("{\"label\":\"pci\"}"), policyId = "eu" });

        var explanation = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("label: pci", explanation.GetProperty("text").GetString());
        Assert.Equal(["iad1"], explanation.GetProperty("diff").GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, explanation.GetProperty("decisions").GetArrayLength());
        Assert.Equal(revision, await _host.Store.GetRevisionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PolicySyntaxError_Is400_WithPositionAndSuggestion()
    {
        using var response = await _client.PostAsJsonAsync("/v1/policies", new { id = "eu", text = "(label: pci) and regoin: EU" });

        var error = ProblemAssert.FirstError(await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "policy-syntax"));
        Assert.Equal("text", error.GetProperty("field").GetString());
        Assert.Equal(1, error.GetProperty("position").GetProperty("line").GetInt32());
        Assert.Equal(18, error.GetProperty("position").GetProperty("column").GetInt32());
        Assert.Contains("did you mean 'region'?", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SemanticPolicyErrors_Are422_WithEveryFinding()
    {
        using var response = await _client.PostAsJsonAsync("/v1/policies", new { id = "eu", text = "region: EUR or country: UK" });

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "invalid-policy");
        Assert.Equal(["unknown-region", "unknown-country", "no-datacenter"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task EmptyPermittedSet_Is422_UnlessForced()
    {
        using var refused = await _client.PostAsJsonAsync("/v1/policies", new { id = "nowhere", text = "region: AF" });
        using var forced = await _client.PostAsJsonAsync("/v1/policies", new { id = "nowhere", text = "region: AF", force = true });

        await ProblemAssert.IsAsync(refused, HttpStatusCode.UnprocessableEntity, "invalid-policy");
        Assert.Equal(HttpStatusCode.Created, forced.StatusCode);
    }

    [Fact]
    public async Task UnknownIds_Are404()
    {
        await ProblemAssert.IsAsync(await _client.GetAsync("/v1/policies/missing"), HttpStatusCode.NotFound, "policy-not-found");
        await ProblemAssert.IsAsync(await _client.GetAsync("/v1/keys/missing"), HttpStatusCode.NotFound, "key-not-found");
        await ProblemAssert.IsAsync(await _client.GetAsync("/v1/keys/missing/placement"), HttpStatusCode.NotFound, "key-not-found");
        await ProblemAssert.IsAsync(await _client.PutAsJsonAsync("/v1/datacenters/zrh1/wrapping-key", new { publicKey = _datacenterKeys["fra1"].ExportSubjectPublicKeyInfoPem() }), HttpStatusCode.NotFound, "datacenter-not-found");
        await ProblemAssert.IsAsync(await _client.PostAsJsonAsync("/v1/keys", new { keyId = "k", policy = "missing", privateKey = TestKeys.EcP256Pkcs8() }), HttpStatusCode.NotFound, "policy-not-found");
    }

    [Fact]
    public async Task Conflicts_Are409()
    {
        await _client.PostAsJsonAsync("/v1/policies", new { id = "eu", text = "region: EU" });
        await _client.PostAsJsonAsync("/v1/keys", new { keyId = "shop", policy = "eu", privateKey = TestKeys.EcP256Pkcs8() });

        await ProblemAssert.IsAsync(await _client.PostAsJsonAsync("/v1/policies", new { id = "eu", text = "region: NA" }), HttpStatusCode.Conflict, "policy-exists");
        await ProblemAssert.IsAsync(await _client.PostAsJsonAsync("/v1/keys", new { keyId = "shop", policy = "eu", privateKey = TestKeys.EcP256Pkcs8() }), HttpStatusCode.Conflict, "key-exists");
        var inUse = await ProblemAssert.IsAsync(await _client.DeleteAsync("/v1/policies/eu"), HttpStatusCode.Conflict, "policy-in-use");
        Assert.Contains("shop", inUse.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyMaterialErrors_Are422_AndNeverEchoTheKey()
    {
        await _client.PostAsJsonAsync("/v1/policies", new { id = "eu", text = "region: EU" });
        var pem = TestKeys.EcP256Pkcs8();
        var encrypted = TestKeys.Encrypted(pem);
        var other = TestKeys.EcP256Pkcs8();

        var cases = new (object Body, string Code)[]
        {
            (new { keyId = "k", policy = "eu", privateKey = pem[..100] }, "malformed-pem"),
            (new { keyId = "k", policy = "eu", privateKey = encrypted }, "passphrase-required"),
            (new { keyId = "k", policy = "eu", privateKey = encrypted, passphrase = "wrong" }, "wrong-passphrase"),
            (new { keyId = "k", policy = "eu", privateKey = pem, certificate = TestKeys.Certificate(other, "a.example") }, "certificate-mismatch"),
            (new { keyId = "k", policy = "eu", privateKey = RSA.Create(1024).ExportPkcs8PrivateKeyPem() }, "unsupported-key"),
        };
        foreach (var (body, code) in cases)
        {
            using var response = await _client.PostAsJsonAsync("/v1/keys", body);
            var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, code);
            Assert.DoesNotContain(pem.Split('\n')[1][..16], problem.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(encrypted.Split('\n')[1][..16], problem.GetRawText(), StringComparison.Ordinal);
        }

        using var withPassphrase = await _client.PostAsJsonAsync("/v1/keys", new { keyId = "k", policy = "eu", privateKey = encrypted, passphrase = TestKeys.Passphrase });
        Assert.Equal(HttpStatusCode.Created, withPassphrase.StatusCode);
        var logs = string.Join("\n", _host.AllLogs.Messages);
        Assert.Contains($"key.import key/k by {ApiHost.LocalActor} committed", logs, StringComparison.Ordinal);
        Assert.Contains("malformed-pem", logs, StringComparison.Ordinal);
        foreach (var secret in new[] { pem.Split('\n')[1][..16], encrypted.Split('\n')[1][..16], TestKeys.Passphrase, Convert.ToBase64String(TestKeys.Pkcs8Der(pem))[..16] })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TopologyThatWouldEmptyAPolicy_Is422_UnlessForcedInTheQuery()
    {
        await _client.PostAsJsonAsync("/v1/policies", new { id = "us", text = "region: NA" });
        var withoutIad = TestTopology.Json.Replace(",\n    { \"id\": \"iad1\", \"region\": \"NA\", \"country\": \"US\", \"tier\": \"high-security\", \"labels\": [\"pci\", \"fips\"] }", "", StringComparison.Ordinal);
        Assert.DoesNotContain("iad1", withoutIad, StringComparison.Ordinal);

        using var refused = await _client.PutAsync("/v1/topology", new StringContent(withoutIad, Encoding.UTF8, "application/json"));
        using var forced = await _client.PutAsync("/v1/topology?force=true", new StringContent(withoutIad, Encoding.UTF8, "application/json"));

        var error = ProblemAssert.FirstError(await ProblemAssert.IsAsync(refused, HttpStatusCode.UnprocessableEntity, "topology-breaks-policy"));
        Assert.Equal("policies[us]", error.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
    }

    [Fact]
    public async Task MalformedBodies_Are400_NamingTheField()
    {
        var unknownField = await ProblemAssert.IsAsync(await _client.PostAsJsonAsync("/v1/policies", new { id = "eu", txt = "region: EU" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("txt", ProblemAssert.FirstError(unknownField).GetProperty("field").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsAsync(await _client.PostAsync("/v1/policies", new StringContent("{\"id\": ", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "invalid-request");
        await ProblemAssert.IsAsync(await _client.PostAsJsonAsync("/v1/keys", new { keyId = "k", policy = "eu" }), HttpStatusCode.BadRequest, "invalid-request");
        await ProblemAssert.IsAsync(await _client.PostAsJsonAsync("/v1/keys", new { keyId = "k", policy = "eu", privateKey = 5 }), HttpStatusCode.BadRequest, "invalid-request");
        await ProblemAssert.IsAsync(await _client.PutAsync("/v1/topology", new StringContent("[1,", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "invalid-request");
        await ProblemAssert.IsAsync(await _client.GetAsync("/v1/audit?limit=0"), HttpStatusCode.BadRequest, "invalid-request");
        await ProblemAssert.IsAsync(await _client.GetAsync("/v1/audit?limit=many"), HttpStatusCode.BadRequest, "invalid-request");
        await ProblemAssert.IsAsync(await _client.GetAsync("/v1/keys/x?include=plaintext"), HttpStatusCode.BadRequest, "invalid-request");
        await ProblemAssert.IsAsync(await _client.PostAsJsonAsync("/v1/policies", new { id = "bad id", text = "all" }), HttpStatusCode.BadRequest, "invalid-id");
    }

    [Fact]
    public async Task InvalidTopology_Is422_ListingEveryError()
    {
        using var response = await _client.PutAsync("/v1/topology", new StringContent(
            "{\"datacenters\":[{\"id\":\"fra1\",\"region\":\"EUR\",\"country\":\"XK\",\"tier\":\"standard\",\"colour\":\"red\"}]}", Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "invalid-topology");
        Assert.Equal(["datacenters[fra1].colour", "datacenters[fra1].region", "datacenters[fra1].country"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task TheActor_IsThePeersUid_AndAnXActorHeaderIsIgnored()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/policies") { Content = JsonContent.Create(new { id = "eu", text = "region: EU" }) };
        request.Headers.Add("X-Actor", "CN=alice, O=ops");
        using var response = await _client.SendAsync(request);
        await _client.PostAsJsonAsync("/v1/policies", new { id = "us", text = "region: NA" });

        var audit = await _client.GetFromJsonAsync<JsonElement>("/v1/audit?from=6");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("uid:", ApiHost.LocalActor, StringComparison.Ordinal);
        Assert.Equal([ApiHost.LocalActor, ApiHost.LocalActor], audit.GetProperty("entries").EnumerateArray().TakeLast(2).Select(e => e.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task AuditVerify_ReportsIntact_ThenTheFirstEditedEntry()
    {
        var intact = await _client.GetFromJsonAsync<JsonElement>("/v1/audit/verify");
        _host.Store.TamperWithAudit(3, e => e with { Subject = "datacenter/evil" });
        var broken = await _client.GetFromJsonAsync<JsonElement>("/v1/audit/verify");

        Assert.True(intact.GetProperty("intact").GetBoolean());
        Assert.Equal(5, intact.GetProperty("verifiedCount").GetInt64());
        Assert.False(broken.GetProperty("intact").GetBoolean());
        Assert.Equal(3, broken.GetProperty("brokenAtSequence").GetInt64());
    }
}
