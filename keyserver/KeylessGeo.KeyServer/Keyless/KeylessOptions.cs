using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Hosting;

namespace KeylessGeo.KeyServer.Keyless;

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

    /// <summary>
    /// The smallest accepted <see cref="MaxBodyLength"/>: the body of a request padded to the
    /// protocol's 1,024 bytes, which every conforming client may send.
    /// </summary>
    public const int MinimumMaxBodyLength = KeylessHeader.MinimumPaddedLength - KeylessHeader.Size;

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

    /// <summary>PEM server certificate (with its chain); empty uses <c>Listen:CertificatePath</c>.</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>PEM private key of the server certificate; empty uses <c>Listen:KeyPath</c>.</summary>
    public string KeyPath { get; init; } = "";

    /// <summary>PEM bundle of the CA(s) that issue client certificates; empty uses <c>Listen:ClientCaPath</c>.</summary>
    public string ClientCaPath { get; init; } = "";

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
