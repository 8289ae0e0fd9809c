using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>
/// One HTTP/2 connection to a keyserver (its own channel and handler) and the
/// <see cref="SignStreamSession"/> on it; a session that ended is replaced by a new one on the
/// next request, which re-opens the connection if it is gone.
/// </summary>
internal sealed class SignStreamConnection(string upstream, GrpcChannel channel, ILogger logger) : IDisposable
{
    private readonly Contracts.V1.KeyServer.KeyServerClient _client = new(channel);
    private readonly Lock _lock = new();
    private SignStreamSession? _session;
    private bool _disposed;

    /// <summary>Requests waiting for an answer on this connection.</summary>
    public int Pending => Volatile.Read(ref _session)?.Pending ?? 0;

    /// <summary>
    /// Opens the stream (and so the connection) ahead of the first request, so that a TLS handshake
    /// and a cold start are not paid inside a handshake's deadline. A failure here is seen again,
    /// and counted, by the first request.
    /// </summary>
    public void Open()
    {
        try
        {
            _ = Session();
        }
        catch (UpstreamException)
        {
            // Disposed already: nothing to warm.
        }
    }

    public Task<SignResponse> SendAsync(SignRequest request, CancellationToken cancellationToken) =>
        Session().SendAsync(request, cancellationToken);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _session?.End("the agent stopped using this keyserver");
        }

        channel.Dispose();
    }

    private SignStreamSession Session()
    {
        var session = Volatile.Read(ref _session);
        if (session is { IsOpen: true })
        {
            return session;
        }

        lock (_lock)
        {
            if (_disposed)
            {
                throw new UpstreamException(UpstreamFailure.NotSent, upstream, "the agent no longer uses this keyserver");
            }

            if (_session is not { IsOpen: true })
            {
                _session = new SignStreamSession(upstream, _client, logger);
            }

            return _session;
        }
    }
}
