using System.Runtime.InteropServices;

namespace KeylessGeo.EpollFloor.Native;

/// <summary>
/// libssl.so.3, the library .NET's own TLS uses on Linux. Per-request calls (<c>SSL_read</c>,
/// <c>SSL_write</c>, <c>SSL_get_error</c>, <c>SSL_has_pending</c>) pass pointers and ints only, so the
/// generated stubs are plain calls; only start-up calls marshal strings.
/// </summary>
internal static unsafe partial class LibSsl
{
    private const string Library = "libssl.so.3";

    public const int Tls13Version = 0x0304;
    public const int FileTypePem = 1;
    public const int VerifyPeer = 0x01;
    public const int VerifyFailIfNoPeerCertificate = 0x02;
    public const int ErrorWantRead = 2;
    public const int ErrorWantWrite = 3;

    private const int ControlSetReadAhead = 41;
    private const int ControlSetSessionCacheMode = 44;
    private const int ControlSetMinProtoVersion = 123;
    private const int ControlSetMaxProtoVersion = 124;
    private const int SessionCacheOff = 0;

    [LibraryImport(Library, EntryPoint = "TLS_server_method")]
    public static partial nint TlsServerMethod();

    [LibraryImport(Library, EntryPoint = "SSL_CTX_new")]
    public static partial nint ContextNew(nint method);

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

    /// <summary><c>SSL_CTX_set_read_ahead</c> (a macro over <c>SSL_CTX_ctrl</c>).</summary>
    public static void ContextSetReadAhead(nint context, bool on) => ContextControl(context, ControlSetReadAhead, on ? 1 : 0, 0);

    /// <summary><c>SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF)</c> (a macro over <c>SSL_CTX_ctrl</c>).</summary>
    public static void ContextSetSessionCacheOff(nint context) => ContextControl(context, ControlSetSessionCacheMode, SessionCacheOff, 0);
}
