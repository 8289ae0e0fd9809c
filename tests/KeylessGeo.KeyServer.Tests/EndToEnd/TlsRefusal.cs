using Grpc.Core;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>
/// What a Grpc.Net.Client call sees when the keyserver refuses its client certificate. Under TLS 1.2
/// the handshake itself fails (UNAVAILABLE). Under TLS 1.3 the client finishes its side of the
/// handshake before the server checks the certificate, so the refusal arrives while the client reads
/// the server's HTTP/2 preface: depending on timing, UNAVAILABLE or INTERNAL ("the server did not
/// complete the HTTP/2 handshake"). Either way the call never reached the service.
/// </summary>
internal static class TlsRefusal
{
    public static void AssertRefusedBeforeTheCall(RpcException error)
    {
        Assert.True(error.StatusCode is StatusCode.Unavailable or StatusCode.Internal, error.ToString());
        Assert.StartsWith("Error starting gRPC call", error.Status.Detail, StringComparison.Ordinal);
    }
}
