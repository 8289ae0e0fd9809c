using System.Net;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Transport.Kestrel;
using KeylessGeo.Transport.Tls;
using KeylessGeo.Rpc.Status;
using KeylessGeo.Rpc.Tests.Infrastructure;
using KeylessGeo.Rpc.Tests.Server;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KeylessGeo.Rpc.Tests.Security;

public sealed class MutualTlsTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly FakeKeyServer _service = new();

    [Fact]
    public async Task Handler_SeesTheVerifiedPeerIdentity()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();

        var capacity = await channel.UnaryAsync(KeyServerMethods.GetCapacity, new GetCapacityRequest(), new RpcCallOptions { CancellationToken = timeout.Token });

        Assert.Equal(TestTlsMaterial.ClientIdentity, capacity.ServedBy.KeyserverId);
    }

    [Fact]
    public async Task Client_WithoutCertificate_IsRejected()
    {
        await AssertRejectedAsync(noCertificate: true);
    }

    [Fact]
    public async Task Client_WithCertificateFromAnotherCa_IsRejected()
    {
        await AssertRejectedAsync(certificate: _tls.OtherCaClientCertificate);
    }

    [Fact]
    public async Task Client_WithExpiredCertificate_IsRejected()
    {
        await AssertRejectedAsync(certificate: _tls.ExpiredClientCertificate);
    }

    [Fact]
    public async Task Server_WithCertificateFromUntrustedCa_IsRejectedByTheClient()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map, mutualTls: _tls.ServerOptions(_tls.OtherCaServerCertificate));
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.GetCapacity, new GetCapacityRequest(), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public void CertificateValidation_ChecksRootValidityAndUsage()
    {
        Assert.True(CertificateValidation.TryValidate(_tls.ClientCertificate, null, _tls.TrustedCa, CertificateValidation.ClientAuthentication, out _));
        Assert.False(CertificateValidation.TryValidate(_tls.ExpiredClientCertificate, null, _tls.TrustedCa, CertificateValidation.ClientAuthentication, out var expired));
        Assert.False(CertificateValidation.TryValidate(_tls.OtherCaClientCertificate, null, _tls.TrustedCa, CertificateValidation.ClientAuthentication, out _));
        Assert.False(CertificateValidation.TryValidate(_tls.ClientCertificate, null, _tls.TrustedCa, CertificateValidation.ServerAuthentication, out _));
        Assert.Contains("NotTimeValid", expired, StringComparison.Ordinal);
    }

    [Fact]
    public void PlaintextEndpoint_OffLoopback_IsRefused()
    {
        var kestrel = new KestrelServerOptions();
        var error = Assert.Throws<InvalidOperationException>(() => kestrel.ListenGrpc(new GrpcListenOptions { PlaintextEndpoint = new IPEndPoint(IPAddress.Any, 0) }));
        Assert.Contains("loopback", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => kestrel.ListenGrpc(new GrpcListenOptions { TlsEndpoint = new IPEndPoint(IPAddress.Loopback, 0) }));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("http://10.1.2.3:5000", true)]
    [InlineData("ftp://127.0.0.1:5000", true)]
    public void Channel_RefusesUnsafeAddresses(string address, bool allowInsecure)
    {
        Assert.Throws<ArgumentException>(() => new RpcChannel(new RpcChannelOptions { Address = new Uri(address), AllowInsecure = allowInsecure }));
    }

    private async Task AssertRejectedAsync(X509Certificate2? certificate = null, bool noCertificate = false)
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel(certificate, noClientCertificate: noCertificate);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, UnaryCallTests.Request(1, "key", [1]), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    public void Dispose() => _tls.Dispose();
}
