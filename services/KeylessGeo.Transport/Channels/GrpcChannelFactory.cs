using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using Grpc.Net.Client;
using KeylessGeo.Transport.Tls;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Transport.Channels;

/// <summary>
/// The one place gRPC channels to our servers are made: Grpc.Net.Client over a
/// <see cref="SocketsHttpHandler"/> with mutual TLS (server checked against the configured CA only,
/// no certificate downloads), connection reuse, extra HTTP/2 connections when one runs out of
/// streams, keep-alive pings, and Unix domain sockets as well as TCP. A channel is cheap to use and
/// expensive to make, so <see cref="GetChannel"/> keeps one per settings for the factory's lifetime.
/// </summary>
public sealed class GrpcChannelFactory(ILoggerFactory? loggerFactory = null) : IDisposable
{
    private readonly ConcurrentDictionary<ChannelSettings, Lazy<GrpcChannel>> _channels = new();
    private bool _disposed;

    /// <summary>The channel for <paramref name="settings"/>, made on first use and shared after that.</summary>
    /// <exception cref="ArgumentException">The settings are invalid (the message says which).</exception>
    public GrpcChannel GetChannel(ChannelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Validate(settings);
        return _channels.GetOrAdd(
            settings,
            static (key, factory) => new Lazy<GrpcChannel>(() => Create(key, factory)),
            loggerFactory).Value;
    }

    /// <summary>
    /// Makes a new channel the caller owns and must dispose. Prefer <see cref="GetChannel"/>; this is
    /// for callers that need connections of their own (a load generator's separate connections).
    /// </summary>
    /// <exception cref="ArgumentException">The settings are invalid (the message says which).</exception>
    public static GrpcChannel Create(ChannelSettings settings, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings);
        var address = ChannelAddress.Parse(settings.Address, settings.AllowInsecure);
        return GrpcChannel.ForAddress(address.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(settings, address),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = settings.MaxReceiveMessageSize,
            MaxSendMessageSize = settings.MaxSendMessageSize,
            LoggerFactory = loggerFactory,
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        foreach (var channel in _channels.Values)
        {
            if (channel.IsValueCreated)
            {
                channel.Value.Dispose();
            }
        }

        _channels.Clear();
    }

    private static void Validate(ChannelSettings settings)
    {
        if (settings.MaxReceiveMessageSize <= 0 || settings.MaxSendMessageSize <= 0)
        {
            throw new ArgumentException("Message size limits must be positive.", nameof(settings));
        }

        if (settings.ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The connect timeout must be positive.", nameof(settings));
        }

        _ = ChannelAddress.Parse(settings.Address, settings.AllowInsecure);
    }

    private static SocketsHttpHandler CreateHandler(ChannelSettings settings, ChannelAddress address)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = settings.PooledConnectionLifetime,
            KeepAlivePingDelay = settings.KeepAlivePingDelay,
            KeepAlivePingTimeout = settings.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = settings.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        };
        if (address.UnixSocketPath is { } path)
        {
            var endPoint = new UnixDomainSocketEndPoint(path);
            handler.ConnectCallback = (_, cancellation) => ConnectUnixSocketAsync(endPoint, cancellation);
            return handler;
        }

        if (address.IsTls)
        {
            var trusted = settings.TrustedCa;
            var client = settings.ClientCertificate;
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                CertificateChainPolicy = CertificateValidation.CreateHandshakePolicy(),
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                    ServerCertificateValidation.IsTrusted(certificate, chain, errors, trusted, (sender as SslStream)?.TargetHostName, out _),

                // offline: the chain sent with the certificate is built without fetching issuers from AIA URLs.
                ClientCertificateContext = client is null ? null : SslStreamCertificateContext.Create(client, null, offline: true),
            };
        }

        return handler;
    }

    private static async ValueTask<Stream> ConnectUnixSocketAsync(UnixDomainSocketEndPoint endPoint, CancellationToken cancellation)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(endPoint, cancellation).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
