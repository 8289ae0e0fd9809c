using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.Keyless.Client;

/// <summary>
/// How a <see cref="KeylessClient"/> reaches one key server. Certificates can be loaded with
/// <c>KeylessGeo.Rpc.Security.MutualTls.LoadPem</c> and <c>LoadPemBundle</c>; the caller keeps
/// ownership of them.
/// </summary>
public sealed record KeylessClientOptions
{
    /// <summary>The Keyless protocol's conventional port.</summary>
    public const int DefaultPort = 2407;

    /// <summary>The key server's host name or IP address.</summary>
    public required string Host { get; init; }

    /// <summary>The key server's port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The client certificate, with its private key, presented for mutual TLS.</summary>
    public required X509Certificate2 ClientCertificate { get; init; }

    /// <summary>The CA certificates the server's certificate must chain to (the system store is never used).</summary>
    public required X509Certificate2Collection TrustedCa { get; init; }

    /// <summary>The name the server certificate must carry (SNI and verification); defaults to <see cref="Host"/>.</summary>
    public string? ServerName { get; init; }

    /// <summary>How many connections the pool may open (created lazily, as load needs them).</summary>
    public int ConnectionCount { get; init; } = 2;

    /// <summary>The most requests awaiting an answer on one connection; beyond it on every connection, requests fail with OVERLOADED.</summary>
    public int MaxInFlightPerConnection { get; init; } = 1024;

    /// <summary>How long a TCP connect plus TLS handshake may take (long: a customer's server may be far away).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The request timeout of the overloads that take none (short: it must fit in a handshake).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The delay before reconnecting after the first failed attempt; doubles per failure, with jitter.</summary>
    public TimeSpan ReconnectBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay between reconnection attempts.</summary>
    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pads requests to 1024 bytes as the protocol asks; turn off only for servers known not to need it.</summary>
    public bool PadRequests { get; init; } = true;

    /// <summary>The name verified against the server certificate.</summary>
    internal string EffectiveServerName => string.IsNullOrEmpty(ServerName) ? Host : ServerName;

    /// <summary>Every problem with these options, each naming the field and the bad value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add($"Host is '{Host}'; it must name the key server.");
        }

        if (Port is < 1 or > 65535)
        {
            errors.Add($"Port is {Port}; it must be between 1 and 65535.");
        }

        if (ClientCertificate is null || !ClientCertificate.HasPrivateKey)
        {
            errors.Add($"ClientCertificate '{ClientCertificate?.Subject}' must be present and have its private key.");
        }

        if (TrustedCa is null || TrustedCa.Count == 0)
        {
            errors.Add("TrustedCa is empty; it must hold the CA that issued the server's certificate.");
        }

        if (ConnectionCount is < 1 or > 64)
        {
            errors.Add($"ConnectionCount is {ConnectionCount}; it must be between 1 and 64.");
        }

        if (MaxInFlightPerConnection is < 1 or > 1 << 20)
        {
            errors.Add($"MaxInFlightPerConnection is {MaxInFlightPerConnection}; it must be between 1 and {1 << 20}.");
        }

        AddIfNotPositive(errors, nameof(ConnectTimeout), ConnectTimeout);
        AddIfNotPositive(errors, nameof(RequestTimeout), RequestTimeout);
        AddIfNotPositive(errors, nameof(ReconnectBackoffInitial), ReconnectBackoffInitial);
        if (ReconnectBackoffMax < ReconnectBackoffInitial)
        {
            errors.Add($"ReconnectBackoffMax is {ReconnectBackoffMax}; it must be at least ReconnectBackoffInitial ({ReconnectBackoffInitial}).");
        }

        return errors;
    }

    private static void AddIfNotPositive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{name} is {value}; it must be a positive, finite time.");
        }
    }
}
