using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Api;

/// <summary>The mutual-TLS endpoint: operators authenticate with client certificates, which name them in the audit log.</summary>
public sealed class MutualTlsApiTests : IAsyncLifetime
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync(_tls);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _tls.Dispose();
    }

    [Fact]
    public async Task AClientCertificateFromTheTrustedCa_IsTheAuditActor_AndXActorIsIgnored()
    {
        using var client = _host.CreateTlsClient(_tls, _tls.ClientCertificate);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/topology") { Content = new StringContent(TestTopology.Json) };
        request.Headers.Add("X-Actor", "someone-else");

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
