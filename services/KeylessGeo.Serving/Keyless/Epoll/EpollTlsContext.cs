using System.Runtime.InteropServices;
using KeylessGeo.Native;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// The <c>SSL_CTX</c> every epoll connection is made from, with the Kestrel path's policy (see
/// <see cref="KeylessTls"/> and the mutual-TLS setup): TLS 1.2 and 1.3, AEAD suites with forward
/// secrecy only, no ALPN, a client certificate required and verified against the configured CA file
/// only (never the system store; no AIA downloads, no revocation checks) for TLS client use. The
/// server's private key is read by OpenSSL from its file and never enters managed memory.
/// </summary>
internal sealed unsafe class EpollTlsContext : SafeHandle
{
    /// <summary>TLS 1.2's suites, as <see cref="KeylessTls.CipherSuites"/> lists them, in OpenSSL's names.</summary>
    internal const string Tls12Ciphers =
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" +
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

    /// <summary>TLS 1.3's suites, as <see cref="KeylessTls.CipherSuites"/> lists them.</summary>
    internal const string Tls13Suites = "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256";

    private EpollTlsContext()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Builds the context from PEM files; null with every OpenSSL complaint in <paramref name="error"/>
    /// when a file is wrong (the key never appears in it: OpenSSL reports what failed, not the bytes).
    /// </summary>
    public static EpollTlsContext? Create(string certificatePath, string keyPath, string clientCaPath, out string error)
    {
        OpenSslErrors.Clear();
        var context = new EpollTlsContext();
        context.SetHandle(LibSsl.ContextNew(LibSsl.TlsServerMethod()));
        if (context.IsInvalid)
        {
            error = $"cannot create an OpenSSL context: {OpenSslErrors.Drain()}";
            return null;
        }

        var tls = context.handle;
        var step = Configure(tls, certificatePath, keyPath, clientCaPath);
        if (step is not null)
        {
            error = $"{step}: {OpenSslErrors.Drain()}";
            context.Dispose();
            return null;
        }

        error = string.Empty;
        return context;
    }

    protected override bool ReleaseHandle()
    {
        LibSsl.ContextFree(handle);
        return true;
    }

    /// <summary>Applies the policy; the failed step, or null.</summary>
    private static string? Configure(nint tls, string certificatePath, string keyPath, string clientCaPath)
    {
        if (!LibSsl.ContextSetProtocolVersions(tls, LibSsl.Tls12Version, LibSsl.Tls13Version) ||
            LibSsl.ContextSetCipherList(tls, Tls12Ciphers) != 1 || LibSsl.ContextSetCipherSuites(tls, Tls13Suites) != 1)
        {
            return "cannot set the TLS versions and cipher suites";
        }

        if (LibSsl.ContextUseCertificateChainFile(tls, certificatePath) != 1)
        {
            return $"cannot use the server certificate '{certificatePath}'";
        }

        if (LibSsl.ContextUsePrivateKeyFile(tls, keyPath, LibSsl.FileTypePem) != 1 || LibSsl.ContextCheckPrivateKey(tls) != 1)
        {
            return $"cannot use the private key '{keyPath}' with the server certificate";
        }

        var clientCas = LibSsl.LoadClientCaFile(clientCaPath);
        if (clientCas == 0 || LibSsl.ContextLoadVerifyLocations(tls, clientCaPath, null) != 1)
        {
            return $"cannot use the client CA '{clientCaPath}'";
        }

        LibSsl.ContextSetClientCaList(tls, clientCas);
        LibSsl.ContextSetVerify(tls, LibSsl.VerifyPeer | LibSsl.VerifyFailIfNoPeerCertificate, 0);
        if (LibSsl.ContextSetPurpose(tls, LibSsl.PurposeSslClient) != 1)
        {
            return "cannot require client certificates fit for TLS client authentication";
        }

        // A clean FIN reads as the end of the stream (clients close without close_notify), and a TLS 1.2
        // peer cannot renegotiate mid-stream.
        LibSsl.ContextSetOptions(tls, LibSsl.OptionIgnoreUnexpectedEof | LibSsl.OptionNoRenegotiation);

        // Replies queue in a buffer that grows and moves while a write waits for the socket.
        LibSsl.ContextSetMode(tls, LibSsl.ModeEnablePartialWrite | LibSsl.ModeAcceptMovingWriteBuffer);

        // One read() per burst instead of one for a record's header and one for its body.
        LibSsl.ContextSetReadAhead(tls, true);

        // Keyless clients keep long connections: no tickets, no session cache. A TLS 1.2 client that
        // offers a session id from its own cache still needs a session id context to be told "no" with
        // a full handshake rather than an internal_error alert.
        LibSsl.ContextSetTicketCount(tls, 0);
        LibSsl.ContextSetSessionCacheOff(tls);
        var id = "keylessgeo-keyless"u8;
        fixed (byte* bytes = id)
        {
            if (LibSsl.ContextSetSessionIdContext(tls, bytes, (uint)id.Length) != 1)
            {
                return "cannot set the session id context";
            }
        }

        return null;
    }
}
