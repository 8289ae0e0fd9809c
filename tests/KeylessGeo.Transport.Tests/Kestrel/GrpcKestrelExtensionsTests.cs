using System.Net;
using KeylessGeo.Transport.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KeylessGeo.Transport.Tests.Kestrel;

public sealed class GrpcKestrelExtensionsTests
{
    [Fact]
    public void ListenGrpc_PlaintextOffLoopback_IsRefused()
    {
        var kestrel = new KestrelServerOptions();

        var error = Assert.Throws<InvalidOperationException>(() => kestrel.ListenGrpc(new GrpcListenOptions { PlaintextEndpoint = new IPEndPoint(IPAddress.Any, 0) }));

        Assert.Contains("loopback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListenGrpc_TlsEndpointWithoutCertificates_IsRefused()
    {
        var kestrel = new KestrelServerOptions();

        var error = Assert.Throws<InvalidOperationException>(() => kestrel.ListenGrpc(new GrpcListenOptions { TlsEndpoint = new IPEndPoint(IPAddress.Loopback, 0) }));

        Assert.Contains("MutualTls", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListenGrpc_WithNoEndpoint_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => new KestrelServerOptions().ListenGrpc(new GrpcListenOptions()));
    }

    [Fact]
    public void ListenGrpc_CallsBothConnectionHooksOnEveryPlaintextEndpoint_InOrder_WithItsKind()
    {
        var kestrel = new KestrelServerOptions();
        var calls = new List<string>();

        kestrel.ListenGrpc(new GrpcListenOptions
        {
            PlaintextEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            UnixSocketPath = Path.Combine(Path.GetTempPath(), "keylessgeo-hooks-test.sock"),
            BeforeTls = (listen, kind) => calls.Add($"before {kind} {listen.Protocols}"),
            AfterTls = (listen, kind) => calls.Add($"after {kind} {listen.Protocols}"),
        });

        Assert.Equal(
            ["before Plaintext Http2", "after Plaintext Http2", "before UnixSocket Http2", "after UnixSocket Http2"],
            calls);
    }
}
