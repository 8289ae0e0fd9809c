using System.Runtime.InteropServices;

namespace KeylessGeo.Native;

/// <summary>
/// libssl.so.3, the library .NET's own TLS uses on Linux. Per-request calls (<c>SSL_read</c>,
/// <c>SSL_write</c>, <c>SSL_get_error</c>, <c>SSL_has_pending</c>) pass pointers and ints only, so the
/// generated stubs are plain calls; only start-up calls marshal strings.
/// </summary>
public static unsafe partial class LibSsl
{
    private const string Library = "libssl.so.3";

    public const int Tls12Version = 0x0303;
    public const int Tls13Version = 0x0304;
    public const int FileTypePem = 1;
    public const int VerifyPeer = 0x01;
    public const int VerifyFailIfNoPeerCertificate = 0x02;
    public const int ErrorWantRead = 2;
    public const int ErrorWantWrite = 3;
    public const int ErrorSyscall = 5;
    public const int ErrorZeroReturn = 6;

    /// <summary><c>SSL_MODE_ENABLE_PARTIAL_WRITE</c>: <c>SSL_write</c> reports each record written instead of all or nothing.</summary>
    public const long ModeEnablePartialWrite = 0x1;

    /// <summary><c>SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER</c>: a retried write may pass the same bytes at another address.</summary>
    public const long ModeAcceptMovingWriteBuffer = 0x2;

    /// <summary><c>SSL_OP_IGNORE_UNEXPECTED_EOF</c>: a peer that closes TCP without close_notify reads as a clean end of stream.</summary>
    public const ulong OptionIgnoreUnexpectedEof = 1UL << 7;

    /// <summary><c>SSL_OP_NO_RENEGOTIATION</c>: TLS 1.2 renegotiation is refused.</summary>
    public const ulong OptionNoRenegotiation = 1UL << 30;

    /// <summary><c>X509_PURPOSE_SSL_CLIENT</c>: a peer certificate must be fit for TLS client authentication.</summary>
    public const int PurposeSslClient = 1;

    private const int ControlMode = 33;
    private const int ControlSetReadAhead = 41;
    private const int ControlSetSessionCacheMode = 44;
    private const int ControlSetMinProtoVersion = 123;
    private const int ControlSetMaxProtoVersion = 124;
    private const int SessionCacheOff = 0;

    [LibraryImport(Library, EntryPoint = "TLS_server_method")]
    public static partial nint TlsServerMethod();

    [LibraryImport(Library, EntryPoint = "SSL_CTX_new")]
    public static partial nint ContextNew(nint method);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_free")]
    public static partial void ContextFree(nint context);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_set_cipher_list", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ContextSetCipherList(nint context, string ciphers);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_set_ciphersuites", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ContextSetCipherSuites(nint context, string suites);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_set_options")]
    public static partial ulong ContextSetOptions(nint context, ulong options);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_set_session_id_context")]
    public static partial int ContextSetSessionIdContext(nint context, byte* id, uint length);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_set_purpose")]
    public static partial int ContextSetPurpose(nint context, int purpose);

    [LibraryImport(Library, EntryPoint = "SSL_get1_peer_certificate")]
    public static partial nint GetPeerCertificate(nint ssl);

    [LibraryImport(Library, EntryPoint = "SSL_get_verify_result")]
    public static partial nint GetVerifyResult(nint ssl);

    [LibraryImport(Library, EntryPoint = "SSL_get_version")]
    public static partial nint GetVersion(nint ssl);

    [LibraryImport(Library, EntryPoint = "SSL_get_current_cipher")]
    public static partial nint GetCurrentCipher(nint ssl);

    [LibraryImport(Library, EntryPoint = "SSL_CIPHER_get_name")]
    public static partial nint CipherName(nint cipher);

    [LibraryImport(Library, EntryPoint = "SSL_shutdown")]
    public static partial int Shutdown(nint ssl);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_ctrl")]
    private static partial nint ContextControl(nint context, int command, nint larg, nint parg);

    [LibraryImport(Library, EntryPoint = "SSL_load_client_CA_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint LoadClientCaFile(string path);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_set_client_CA_list")]
    public static partial void ContextSetClientCaList(nint context, nint names);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_use_certificate_chain_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ContextUseCertificateChainFile(nint context, string path);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_use_PrivateKey_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ContextUsePrivateKeyFile(nint context, string path, int type);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_check_private_key")]
    public static partial int ContextCheckPrivateKey(nint context);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_load_verify_locations", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ContextLoadVerifyLocations(nint context, string file, string? folder);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_set_verify")]
    public static partial void ContextSetVerify(nint context, int mode, nint callback);

    [LibraryImport(Library, EntryPoint = "SSL_CTX_set_num_tickets")]
    public static partial int ContextSetTicketCount(nint context, nuint count);

    [LibraryImport(Library, EntryPoint = "SSL_new")]
    public static partial nint New(nint context);

    [LibraryImport(Library, EntryPoint = "SSL_set_fd")]
    public static partial int SetFd(nint ssl, int fd);

    [LibraryImport(Library, EntryPoint = "SSL_free")]
    public static partial void Free(nint ssl);

    [LibraryImport(Library, EntryPoint = "SSL_accept")]
    public static partial int Accept(nint ssl);

    [LibraryImport(Library, EntryPoint = "SSL_read")]
    public static partial int Read(nint ssl, byte* buffer, int count);

    [LibraryImport(Library, EntryPoint = "SSL_write")]
    public static partial int Write(nint ssl, byte* buffer, int count);

    [LibraryImport(Library, EntryPoint = "SSL_get_error")]
    public static partial int GetError(nint ssl, int result);

    [LibraryImport(Library, EntryPoint = "SSL_has_pending")]
    public static partial int HasPending(nint ssl);

    /// <summary><c>SSL_CTX_set_min_proto_version</c> and <c>_max_</c> (macros over <c>SSL_CTX_ctrl</c>).</summary>
    public static bool ContextSetProtocolVersions(nint context, int minimum, int maximum) =>
        ContextControl(context, ControlSetMinProtoVersion, minimum, 0) == 1 &&
        ContextControl(context, ControlSetMaxProtoVersion, maximum, 0) == 1;

    /// <summary><c>SSL_CTX_set_mode</c> (a macro over <c>SSL_CTX_ctrl</c>): adds <paramref name="mode"/>'s bits.</summary>
    public static void ContextSetMode(nint context, long mode) => ContextControl(context, ControlMode, (nint)mode, 0);

    /// <summary><c>SSL_CTX_set_read_ahead</c> (a macro over <c>SSL_CTX_ctrl</c>).</summary>
    public static void ContextSetReadAhead(nint context, bool on) => ContextControl(context, ControlSetReadAhead, on ? 1 : 0, 0);

    /// <summary><c>SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF)</c> (a macro over <c>SSL_CTX_ctrl</c>).</summary>
    public static void ContextSetSessionCacheOff(nint context) => ContextControl(context, ControlSetSessionCacheMode, SessionCacheOff, 0);
}
