using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Transport.Tls;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Keyless.Client;

/// <summary>What every connection of one <see cref="KeylessClient"/> shares: options, clock, logger, TLS identity.</summary>
internal sealed class ClientContext
{
    private string? _lastFailure;
    private int _connectionNumber;
    private int _disposed;

    public ClientContext(KeylessClientOptions options, ILogger logger, TimeProvider time, Func<double> jitter)
    {
        Options = options;
        Logger = logger;
        Time = time;
        Jitter = jitter;
        Endpoint = string.Create(CultureInfo.InvariantCulture, $"{options.Host}:{options.Port}");

        // offline: the chain sent with the certificate is built without downloading issuers from AIA URLs.
        ClientCertificate = SslStreamCertificateContext.Create(options.ClientCertificate, null, offline: true);
        OverloadedMessage = string.Create(
            CultureInfo.InvariantCulture, $"Every connection to {Endpoint} has {options.MaxInFlightPerConnection} requests in flight.");
        Requests = new PendingRequestPool(time, Math.Min(options.ConnectionCount * options.MaxInFlightPerConnection, 4096));
    }

    public KeylessClientOptions Options { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    /// <summary>A sample in [0, 1) for reconnection jitter.</summary>
    public Func<double> Jitter { get; }

    /// <summary>"host:port", for messages and logs.</summary>
    public string Endpoint { get; }

    /// <summary>The OVERLOADED message, built once: overload is when allocations hurt most.</summary>
    public string OverloadedMessage { get; }

    public SslStreamCertificateContext ClientCertificate { get; }

    public PendingRequestPool Requests { get; }

    /// <summary>Why the pool's most recent connection ended, for UNAVAILABLE messages.</summary>
    public string LastFailure
    {
        get => Volatile.Read(ref _lastFailure) ?? "no connection could be established";
        set => Volatile.Write(ref _lastFailure, value);
    }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>A number for the next connection, for logs.</summary>
    public int NextConnectionNumber() => Interlocked.Increment(ref _connectionNumber);

    /// <summary>Marks the client disposed; true for the first call.</summary>
    public bool MarkDisposed() => Interlocked.Exchange(ref _disposed, 1) == 0;

    /// <summary>
    /// TLS options for one connection: our certificate, the server name to verify, and a
    /// server certificate check against <see cref="KeylessClientOptions.TrustedCa"/> only
    /// (no system store, no downloads). <paramref name="onRejected"/> receives the reason.
    /// </summary>
    public SslClientAuthenticationOptions CreateTlsOptions(Action<string> onRejected)
    {
        var trusted = Options.TrustedCa;
        return new SslClientAuthenticationOptions
        {
            TargetHost = Options.EffectiveServerName,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = CertificateValidation.CreateHandshakePolicy(),
            ClientCertificateContext = ClientCertificate,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (ServerCertificateValidation.IsTrusted(certificate, chain, errors, trusted, Options.EffectiveServerName, out var error))
                {
                    return true;
                }

                onRejected(error ?? "the server certificate is not trusted");
                return false;
            },
        };
    }
}
