using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Rpc.Metadata;
using KeylessGeo.Rpc.Methods;
using Microsoft.AspNetCore.Http;

namespace KeylessGeo.Rpc.Server;

/// <summary>Everything a handler may know about its call, and the metadata it may add.</summary>
public sealed class RpcCallContext : IDisposable
{
    // CancellationTokenSource timers are limited to about 49 days; longer deadlines need no timer.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(30);

    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenSource _callCts;
    private RpcMetadata? _requestHeaders;
    private RpcMetadata? _responseHeaders;
    private RpcMetadata? _responseTrailers;
    private readonly Lock _headersLock = new();
    private RpcMetadata? _sentResponseHeaders;
    private bool _responseHeadersFrozen;

    internal RpcCallContext(HttpContext httpContext, RpcMethod method, TimeSpan? timeout, TimeProvider timeProvider)
    {
        HttpContext = httpContext;
        Method = method;
        if (timeout is { } value)
        {
            var now = timeProvider.GetUtcNow();
            Deadline = value >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + value;
            if (value < MaxTimer)
            {
                _deadlineCts = new CancellationTokenSource(value, timeProvider);
            }
        }

        _callCts = _deadlineCts is null
            ? CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted)
            : CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, _deadlineCts.Token);
    }

    /// <summary>The method being called.</summary>
    public RpcMethod Method { get; }

    /// <summary>The deadline from <c>grpc-timeout</c>, or null when the client set none.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Cancelled when the client cancels (RST_STREAM, disconnect), the deadline passes, or the call fails fatally.</summary>
    public CancellationToken CancellationToken => _callCts.Token;

    /// <summary>The request's custom metadata (reserved headers excluded; <c>-bin</c> values decoded).</summary>
    public RpcMetadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders(HttpContext.Request.Headers);

    /// <summary>
    /// Response headers to send. They are copied when the first response message is written
    /// (or the status, when no message is); changes after that are ignored.
    /// </summary>
    public RpcMetadata ResponseHeaders => _responseHeaders ??= new RpcMetadata();

    /// <summary>Response trailers to send with the status.</summary>
    public RpcMetadata ResponseTrailers => _responseTrailers ??= new RpcMetadata();

    /// <summary>The client certificate verified during the TLS handshake, or null on plaintext.</summary>
    public X509Certificate2? PeerCertificate => HttpContext.Connection.ClientCertificate;

    /// <summary>The verified client certificate's subject common name, or null on plaintext.</summary>
    public string? PeerIdentity => PeerCertificate?.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    /// <summary>The underlying HTTP context (escape hatch; prefer the members above).</summary>
    public HttpContext HttpContext { get; }

    /// <summary>A copy of the trailers as they are now; the handler may still be running on another thread.</summary>
    internal RpcMetadata? ResponseTrailersSnapshot => _responseTrailers?.Snapshot();

    internal bool HasDeadlineTimer => _deadlineCts is not null;

    /// <summary>The deadline timer's source (for tests that check it is released).</summary>
    internal CancellationTokenSource? DeadlineSource => _deadlineCts;

    /// <summary>
    /// Whether the call's deadline timer has fired: tells a handler whose token was cancelled
    /// that the deadline, not the client, ended the call.
    /// </summary>
    public bool DeadlineExceeded => _deadlineCts?.IsCancellationRequested == true;

    internal bool ClientCancelled => HttpContext.RequestAborted.IsCancellationRequested;

    /// <summary>True once response headers were committed to the body (so the status goes in trailers).</summary>
    internal bool ResponseStarted { get; set; }

    /// <summary>
    /// Copies the response headers on the first call and returns that copy ever after. Called
    /// on the writing thread so that the copy is taken before the message is queued; later
    /// handler changes to <see cref="ResponseHeaders"/> are ignored.
    /// </summary>
    internal RpcMetadata? FreezeResponseHeaders()
    {
        if (!Volatile.Read(ref _responseHeadersFrozen))
        {
            lock (_headersLock)
            {
                if (!_responseHeadersFrozen)
                {
                    _sentResponseHeaders = _responseHeaders?.Snapshot();
                    Volatile.Write(ref _responseHeadersFrozen, true);
                }
            }
        }

        return _sentResponseHeaders;
    }

    /// <summary>Cancels the handler after a stream-fatal error.</summary>
    internal void Abort()
    {
        try
        {
            _callCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call already finished.
        }
    }

    /// <summary>The call ends while the handler still runs: make sure its token is cancelled.</summary>
    internal void Abandon() => Abort();

    /// <inheritdoc />
    public void Dispose()
    {
        // The deadline source owns a timer (up to 30 days for a long grpc-timeout): always release it.
        _deadlineCts?.Dispose();

        // Once cancelled, the call source's callbacks may still be running on another thread (or
        // further up this one); disposing it now could drop the handler's own registrations.
        // It holds no timer, so leaving it to the GC is safe.
        if (!_callCts.IsCancellationRequested)
        {
            _callCts.Dispose();
        }
    }

    private static RpcMetadata ReadRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new RpcMetadata();
        foreach (var header in headers)
        {
            if (RpcMetadata.IsReserved(header.Key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                if (value is not null)
                {
                    metadata.AddFromWire(header.Key, value);
                }
            }
        }

        return metadata;
    }
}
