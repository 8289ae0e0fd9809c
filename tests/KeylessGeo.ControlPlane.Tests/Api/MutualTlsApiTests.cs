using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Api;

/// <summary>
/// The mutual-TLS endpoint: operators authenticate with client certificates, whose subjects name
/// them in the audit log and select their roles.
/// </summary>
public sealed class MutualTlsApiTests : IAsyncLifetime
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private X509Certificate2 _auditor = null!;
    private X509Certificate2 _stranger = null!;
    private ApiHost _host = null!;

    public async Task InitializeAsync()
    {
        _auditor = _tls.Ca.IssueClientCertificate("auditor");
        _stranger = _tls.Ca.IssueClientCertificate("stranger");
        _host = await ApiHost.StartAsync(_tls, new Dictionary<string, string?>
        {
            ["ControlPlane:Access:Grants:2:CertificateSubject"] = "CN=auditor",
            ["ControlPlane:Access:Grants:2:Roles:0"] = "read",
            ["ControlPlane:Access:RefusalAuditInterval"] = "00:00:00.100",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _auditor.Dispose();
        _stranger.Dispose();
        _tls.Dispose();
    }

    [Fact]
    public async Task AReadOnlyCertificate_CanReadButCannotChangeAPolicy_AndAnUngrantedOneGetsNothing()
    {
        using var admin = _host.CreateTlsClient(_tls, _tls.ClientCertificate);
        using var reader = _host.CreateTlsClient(_tls, _auditor);
        using var stranger = _host.CreateTlsClient(_tls, _stranger);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/v1/topology", new StringContent(TestTopology.Json))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/v1/policies", new { id = "eu-only", text = "region: EU" })).StatusCode);

        var read = await reader.GetAsync("/v1/policies/eu-only");
        var change = await reader.PutAsJsonAsync("/v1/policies/eu-only", new { text = "all" });
        var strangerRead = await stranger.GetAsync("/v1/policies/eu-only");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var problem = await ProblemAssert.IsAsync(change, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("CN=auditor holds read; PUT /v1/policies/eu-only needs change-policy", problem.GetProperty("detail").GetString());
        await ProblemAssert.IsAsync(strangerRead, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("region: EU", (await admin.GetFromJsonAsync<JsonElement>("/v1/policies/eu-only")).GetProperty("text").GetString());
        var (rows, _, _) = await RefusalEntries.WaitForAsync(_host.Store, 2);
        Assert.Contains(rows, r => (r.Identity, r.Method, r.Path, r.Reason, r.Status) == ("CN=auditor", "PUT", "/v1/policies/eu-only", "missing-role", 403));
        Assert.Contains(rows, r => (r.Identity, r.Method, r.Path, r.Reason, r.Status) == ("CN=stranger", "GET", "/v1/policies/eu-only", "unknown-identity", 403));
    }

    [Fact]
    public async Task AClientCertificateFromTheTrustedCa_IsTheAuditActor_AndXActorIsIgnored()
    {
        using var client = _host.CreateTlsClient(_tls, _tls.ClientCertificate);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/topology") { Content = new StringContent(TestTopology.Json) };
        request.Headers.Add("X-Actor", "CN=alice, O=ops");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = await client.GetFromJsonAsync<JsonElement>("/v1/audit");
        Assert.Equal($"CN={TestTlsMaterial.ClientIdentity}", audit.GetProperty("entries")[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task WithoutAClientCertificate_OrWithOneFromAnotherCa_TheHandshakeFails()
    {
        using var anonymous = _host.CreateTlsClient(_tls, null);
        using var stranger = _host.CreateTlsClient(_tls, _tls.OtherCaClientCertificate);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetAsync("/v1/topology"));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => stranger.GetAsync("/v1/topology"));
        Assert.Equal(0, await _host.Store.GetRevisionAsync(CancellationToken.None));
    }
}
