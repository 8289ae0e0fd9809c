using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Hosting;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// The Keyless protocol listener (configuration section <c>Keyless</c>): its own mutual-TLS
/// port, spoken by existing Keyless clients. Address and certificates default to the
/// <c>Listen</c> section's, so one set of files serves both protocols.
/// </summary>
public sealed record KeylessOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Keyless";

    /// <summary>The conventional Keyless key server port.</summary>
    public const int DefaultPort = 2407;

    /// <summary>The default <see cref="MaxInFlightPerConnection"/>.</summary>
    public const int DefaultMaxInFlightPerConnection = 1024;

    /// <summary>The default <see cref="MaxConnections"/>.</summary>
    public const int DefaultMaxConnections = 4096;

    /// <summary>The default <see cref="MaxConnectionsPerClient"/>.</summary>
    public const int DefaultMaxConnectionsPerClient = 256;

    /// <summary>The default <see cref="MaxResponseBytesPerConnection"/>: 2 MiB.</summary>
    public const long DefaultMaxResponseBytesPerConnection = 2L * 1024 * 1024;

    /// <summary>The default <see cref="ResponseBytesBudget"/>: 64 MiB.</summary>
    public const long DefaultResponseBytesBudget = 64L * 1024 * 1024;

    /// <summary>The default <see cref="IdleTimeout"/>.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The default <see cref="PartialMessageTimeout"/>.</summary>
    public static readonly TimeSpan DefaultPartialMessageTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="ResponseBudgetGracePeriod"/>.</summary>
    public static readonly TimeSpan DefaultResponseBudgetGracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The smallest accepted <see cref="MaxBodyLength"/>: the body of a request padded to the
    /// protocol's 1,024 bytes, which every conforming client may send.
    /// </summary>
    public const int MinimumMaxBodyLength = KeylessHeader.MinimumPaddedLength - KeylessHeader.Size;

    /// <summary>The <see cref="Transport"/> that serves the port through Kestrel (the default).</summary>
    public const string KestrelTransport = "kestrel";

    /// <summary>The <see cref="Transport"/> that serves the port on epoll event loops with libssl (Linux only).</summary>
    public const string EpollTransport = "epoll";

    /// <summary>The largest accepted <see cref="EpollLoops"/>.</summary>
    public const int MaxEpollLoops = 256;

    /// <summary>Whether the listener runs at all (default true).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The IP address to listen on; empty uses <c>Listen:Address</c>.</summary>
    public string Address { get; init; } = "";

    /// <summary>The port; 0 picks a free port, -1 disables the listener.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// Requests read from one connection whose responses are not yet written. At the bound the
    /// listener stops reading that connection until one is answered (TCP backpressure).
    /// </summary>
    public int MaxInFlightPerConnection { get; init; } = DefaultMaxInFlightPerConnection;

    /// <summary>
    /// The largest message body accepted. A longer one is a framing error: answered with a
    /// format error for its id, then the connection is closed.
    /// </summary>
    public int MaxBodyLength { get; init; } = KeylessCodecOptions.DefaultMaxBodyLength;

    /// <summary>
    /// Authenticated connections the port serves at once; one more is closed right after its
    /// TLS handshake. (Every accepted connection, authenticated or not, also counts against the
    /// process's file-descriptor budget.)
    /// </summary>
    public int MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary>
    /// Connections one client (the subject of its verified certificate) may hold at once; one
    /// more is closed right after its TLS handshake.
    /// </summary>
    public int MaxConnectionsPerClient { get; init; } = DefaultMaxConnectionsPerClient;

    /// <summary>
    /// A connection with no request at the signing core, no partial message, and nothing
    /// received from or read by its client for this long is closed.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    /// <summary>A message whose header or body has begun to arrive but is not complete after this long closes the connection.</summary>
    public TimeSpan PartialMessageTimeout { get; init; } = DefaultPartialMessageTimeout;

    /// <summary>
    /// Bytes of responses one connection may have queued and not yet written (counted at the
    /// size of the request they answer); at the cap the listener stops reading that connection
    /// until its client reads. At least <see cref="MaxBodyLength"/> + 8.
    /// </summary>
    public long MaxResponseBytesPerConnection { get; init; } = DefaultMaxResponseBytesPerConnection;

    /// <summary>
    /// Bytes of queued responses all Keyless connections together may hold. When it is spent the
    /// listener stops reading until bytes are released, and closes connections that hold more
    /// than their fair share for <see cref="ResponseBudgetGracePeriod"/>. At least
    /// <see cref="MaxResponseBytesPerConnection"/>.
    /// </summary>
    public long ResponseBytesBudget { get; init; } = DefaultResponseBytesBudget;

    /// <summary>How long a connection may hold more than its fair share of a spent <see cref="ResponseBytesBudget"/>.</summary>
    public TimeSpan ResponseBudgetGracePeriod { get; init; } = DefaultResponseBudgetGracePeriod;

    /// <summary>PEM server certificate (with its chain); empty uses <c>Listen:CertificatePath</c>.</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>PEM private key of the server certificate; empty uses <c>Listen:KeyPath</c>.</summary>
    public string KeyPath { get; init; } = "";

    /// <summary>PEM bundle of the CA(s) that issue client certificates; empty uses <c>Listen:ClientCaPath</c>.</summary>
    public string ClientCaPath { get; init; } = "";

    /// <summary>
    /// What serves the port: <c>kestrel</c> (the default: Kestrel, SslStream, pipelines) or <c>epoll</c>
    /// (event-loop threads over epoll with OpenSSL's libssl, answering requests the signing core completes
    /// at once on the loop itself; Linux only). Both speak the same protocol with the same TLS policy,
    /// limits, timeouts, budget, metrics and logs.
    /// </summary>
    public string Transport { get; init; } = KestrelTransport;

    /// <summary>Event-loop threads of the <c>epoll</c> transport; 0 (the default) uses one per processor.</summary>
    public int EpollLoops { get; init; }

    /// <summary>Whether <see cref="Transport"/> selects the epoll transport.</summary>
    public bool UsesEpoll => string.Equals(Transport, EpollTransport, StringComparison.OrdinalIgnoreCase);

    /// <summary>The epoll transport's loop count: <see cref="EpollLoops"/>, or the processor count when 0.</summary>
    public int ResolvedEpollLoops => EpollLoops > 0 ? EpollLoops : Environment.ProcessorCount;

    /// <summary>Whether the listener is enabled and has a port.</summary>
    public bool IsListening => Enabled && Port >= 0;

    /// <summary>These options with every empty address or certificate path taken from <paramref name="listen"/>.</summary>
    public KeylessOptions WithDefaultsFrom(ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        return this with
        {
            Address = Address.Length > 0 ? Address : listen.Address,
            CertificatePath = CertificatePath.Length > 0 ? CertificatePath : listen.CertificatePath,
            KeyPath = KeyPath.Length > 0 ? KeyPath : listen.KeyPath,
            ClientCaPath = ClientCaPath.Length > 0 ? ClientCaPath : listen.ClientCaPath,
        };
    }
}
