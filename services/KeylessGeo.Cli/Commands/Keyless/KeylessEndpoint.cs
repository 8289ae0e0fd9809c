using System.Globalization;
using KeylessGeo.Keyless.Client;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>A Keyless server address as operators type it: <c>host:port</c>, <c>[::1]:port</c>, or a host alone (port 2407).</summary>
public readonly record struct KeylessEndpoint(string Host, int Port)
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">The text is not HOST:PORT; the message says why.</exception>
    public static KeylessEndpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"--address '{text}' must be HOST:PORT (the Keyless protocol has no URL scheme), e.g. keyserver.example:2407.");
        }

        string host;
        string? port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            var rest = close < 0 ? "" : text[(close + 1)..];
            if (close < 0 || (rest.Length > 0 && !rest.StartsWith(':')))
            {
                throw new ArgumentException($"--address '{text}' must be [IPv6]:PORT, e.g. [::1]:2407.");
            }

            host = text[1..close];
            port = rest.Length > 0 ? rest[1..] : null;
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon != text.LastIndexOf(':'))
            {
                throw new ArgumentException($"--address '{text}': put an IPv6 address in brackets, e.g. [::1]:2407.");
            }

            host = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }

        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"--address '{text}' names no host; it must be HOST:PORT.");
        }

        if (port is null)
        {
            return new KeylessEndpoint(host, KeylessClientOptions.DefaultPort);
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new ArgumentException($"--address '{text}': the port '{port}' must be a number from 1 to 65535.");
        }

        return new KeylessEndpoint(host, number);
    }

    /// <inheritdoc />
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
