using System.Net;

namespace KeylessGeo.Transport.Channels;

/// <summary>
/// A parsed <see cref="ChannelSettings.Address"/>: the HTTP address gRPC uses for its requests and,
/// for a Unix domain socket, the socket's path.
/// </summary>
public sealed record ChannelAddress(Uri HttpAddress, string? UnixSocketPath)
{
    private const string UnixScheme = "unix:";

    /// <summary>Whether the connection is protected by TLS.</summary>
    public bool IsTls => HttpAddress.Scheme == Uri.UriSchemeHttps;

    /// <summary>Parses and checks an address; the message of the exception says what is wrong.</summary>
    /// <exception cref="ArgumentException">The address is malformed or unsafe.</exception>
    public static ChannelAddress Parse(string address, bool allowInsecure)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.StartsWith(UnixScheme, StringComparison.Ordinal))
        {
            // unix:/run/x.sock and unix:///run/x.sock both name an absolute path.
            var path = address[UnixScheme.Length..];
            path = path.StartsWith("//", StringComparison.Ordinal) ? path[2..] : path;
            if (!Path.IsPathRooted(path))
            {
                throw new ArgumentException($"The channel address '{address}' must name an absolute socket path (unix:/path/to/socket).", nameof(address));
            }

            // The host is never dialled: the connect callback opens the socket.
            return new ChannelAddress(new Uri("http://localhost"), path);
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            throw new ArgumentException($"The channel address '{address}' must be https://host:port, http://127.0.0.1:port or unix:/path, without a path.", nameof(address));
        }

        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (!allowInsecure)
            {
                throw new ArgumentException($"The channel address '{address}' is plaintext; allow insecure channels to use h2c on loopback.", nameof(address));
            }

            if (!IsLoopback(uri))
            {
                throw new ArgumentException($"Plaintext HTTP/2 is allowed only to a loopback host, not '{uri.Host}'.", nameof(address));
            }
        }
        else if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The channel address '{address}' must use https (or http on loopback, or unix:).", nameof(address));
        }

        return new ChannelAddress(uri, null);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
