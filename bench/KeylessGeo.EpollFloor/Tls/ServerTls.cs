using KeylessGeo.EpollFloor.Native;
using KeylessGeo.Native;

namespace KeylessGeo.EpollFloor.Tls;

/// <summary>The <c>SSL_CTX</c> every connection is made from: the C floor's settings, one for one.</summary>
internal static class ServerTls
{
    /// <summary>
    /// Mutual TLS 1.3 only: the server's chain and key, client certificates required and verified
    /// against <paramref name="ca"/>. Returns 0 with a message in <paramref name="error"/> when a file is wrong.
    /// </summary>
    public static nint Create(string cert, string key, string ca, out string error)
    {
        var tls = LibSsl.ContextNew(LibSsl.TlsServerMethod());
        var clientCas = LibSsl.LoadClientCaFile(ca);
        if (tls == 0 || clientCas == 0 || !LibSsl.ContextSetProtocolVersions(tls, LibSsl.Tls13Version, LibSsl.Tls13Version) ||
            LibSsl.ContextUseCertificateChainFile(tls, cert) != 1 ||
            LibSsl.ContextUsePrivateKeyFile(tls, key, LibSsl.FileTypePem) != 1 || LibSsl.ContextCheckPrivateKey(tls) != 1 ||
            LibSsl.ContextLoadVerifyLocations(tls, ca, null) != 1)
        {
            error = $"cannot set up TLS from --cert, --key and --ca: {OpenSslErrors.Drain()}";
            return 0;
        }
        LibSsl.ContextSetClientCaList(tls, clientCas);
        LibSsl.ContextSetVerify(tls, LibSsl.VerifyPeer | LibSsl.VerifyFailIfNoPeerCertificate, 0);
        // One read() per burst instead of one for the record header and one for its body.
        LibSsl.ContextSetReadAhead(tls, true);
        // Clients of a key server do not resume; no tickets, no session cache.
        LibSsl.ContextSetTicketCount(tls, 0);
        LibSsl.ContextSetSessionCacheOff(tls);
        error = string.Empty;
        return tls;
    }
}
