using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using KeylessGeo.Rpc.Framing;
using KeylessGeo.Rpc.Methods;
using KeylessGeo.Transport.Tls;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Client;

/// <summary>
/// A client connection pool to one server over HTTP/2 (TLS with ALPN h2, or h2c prior
/// knowledge on loopback when allowed). Thread-safe; create one per server and reuse it.
/// </summary>
public sealed class RpcChannel : IDisposable
{
    private readonly RpcChannelOptions _options;
    private readonly HttpMessageInvoker _invoker;
    private readonly TimeProvider _time;

    /// <summary>Creates a channel; throws when the address is not allowed by the options.</summary>
    public RpcChannel(RpcChannelOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _invoker = new HttpMessageInvoker(CreateHandler(options), disposeHandler: true);
    }

    /// <summary>The server address.</summary>
    public Uri Address => _options.Address;

    /// <summary>Calls a unary method; throws <see cref="RpcException"/> for any non-OK status.</summary>
    public async ValueTask<TResponse> UnaryAsync<TRequest, TResponse>(
        RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => (await UnaryCallAsync(method, request, options).ConfigureAwait(false)).Message;

    /// <summary>Calls a unary method and returns the response with its headers and trailers.</summary>
    public async ValueTask<RpcUnaryResponse<TResponse>> UnaryCallAsync<TRequest, TResponse>(
        RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        using var scope = new CallScope(options, _time);
        var content = new UnaryRequestContent(request, _options.MaxSendMessageSize);
        using var httpRequest = ClientProtocol.CreateRequest(_options.Address, method, options, scope, content);
        try
        {
            using var response = await _invoker.SendAsync(httpRequest, scope.Token).ConfigureAwait(false);
            var headers = ClientProtocol.ReadMetadata(response.Headers);
            if (ClientProtocol.CheckHeaders(response) is { } early)
            {
                throw new RpcException(
                    early.Code == StatusCode.OK ? new RpcStatus(StatusCode.Internal, "The server sent no response message.") : early,
                    headers);
            }

            var body = await response.Content.ReadAsStreamAsync(scope.Token).ConfigureAwait(false);
            var pipe = PipeReader.Create(body);
            var frames = new GrpcMessageReader(pipe, _options.MaxReceiveMessageSize);
            TResponse? message = null;
            try
            {
                if (await frames.ReadNextAsync(scope.Token).ConfigureAwait(false))
                {
                    message = ParseResponse(method, frames);
                    if (await frames.ReadNextAsync(scope.Token).ConfigureAwait(false))
                    {
                        frames.Consume();
                        throw new RpcException(StatusCode.Internal, "A unary call received more than one response message.");
                    }
                }
            }
            finally
            {
                // Returns the pipe's pooled buffers on every path, not only on success.
                await pipe.CompleteAsync().ConfigureAwait(false);
            }

            var status = ClientProtocol.GetTrailerStatus(response);
            var trailers = ClientProtocol.ReadMetadata(response.TrailingHeaders);
            if (status.Code != StatusCode.OK)
            {
                throw new RpcException(status, trailers);
            }

            return message is null
                ? throw new RpcException(new RpcStatus(StatusCode.Internal, "The server sent no response message."), trailers)
                : new RpcUnaryResponse<TResponse>(message, headers, trailers);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw scope.ToRpcException(ex);
        }
    }

    /// <summary>Starts a bidirectional streaming call.</summary>
    public DuplexCall<TRequest, TResponse> StartDuplex<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        var scope = new CallScope(options, _time);
        var content = new StreamingRequestContent();
        var httpRequest = ClientProtocol.CreateRequest(_options.Address, method, options, scope, content);
        var response = SendStreamingAsync(httpRequest, content, scope);

        // The failure is reported through the response stream; never leave it unobserved.
        _ = response.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var state = new DuplexCallState(scope, response);
        var requests = new RpcRequestStream<TRequest>(content, _options.MaxSendMessageSize, _options.RequestQueueCapacity, scope.Token);
        var responses = new RpcResponseStream<TResponse>(state, method.ResponseParser, method.ResponseMessageName, _options.MaxReceiveMessageSize);
        return new DuplexCall<TRequest, TResponse>(state, requests, responses);
    }

    /// <inheritdoc />
    public void Dispose() => _invoker.Dispose();

    private async Task<HttpResponseMessage> SendStreamingAsync(HttpRequestMessage request, StreamingRequestContent content, CallScope scope)
    {
        try
        {
            return await _invoker.SendAsync(request, scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The request body may never start: fail queued writes and CompleteAsync with the call's status
            // instead of leaving them waiting for a stream that will not come.
            var error = scope.ToRpcException(ex);
            content.Fail(error);
            throw error;
        }
    }

    private static TResponse ParseResponse<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, GrpcMessageReader frames)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        try
        {
            return method.ResponseParser.ParseFrom(frames.Payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal, $"Failed to parse response message of type {method.ResponseMessageName}: {ex.Message}");
        }
        finally
        {
            frames.Consume();
        }
    }

    private static void Validate(RpcChannelOptions options)
    {
        var address = options.Address;
        if (!address.IsAbsoluteUri || address.AbsolutePath != "/")
        {
            throw new ArgumentException($"The channel address '{address}' must be an absolute URI without a path.", nameof(options));
        }

        if (address.Scheme == Uri.UriSchemeHttp)
        {
            if (!options.AllowInsecure)
            {
                throw new ArgumentException($"The channel address '{address}' is plaintext; set AllowInsecure to use h2c on loopback.", nameof(options));
            }

            if (!address.IsLoopback)
            {
                throw new ArgumentException($"Plaintext HTTP/2 is allowed only to a loopback host, not '{address.Host}'.", nameof(options));
            }
        }
        else if (address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The channel address '{address}' must use https (or http on loopback).", nameof(options));
        }

        if (options.MaxReceiveMessageSize <= 0 || options.MaxSendMessageSize <= 0 || options.RequestQueueCapacity <= 0)
        {
            throw new ArgumentException("Message size limits and the request queue capacity must be positive.", nameof(options));
        }
    }

    private static SocketsHttpHandler CreateHandler(RpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        };
        var trusted = options.TrustedCa;
        var clientCertificate = options.ClientCertificate;
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            CertificateChainPolicy = CertificateValidation.CreateHandshakePolicy(),
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidateServer(certificate, chain, errors, trusted),

            // offline: the chain sent with the certificate is built without downloading issuers from AIA URLs.
            ClientCertificateContext = clientCertificate is null ? null : SslStreamCertificateContext.Create(clientCertificate, null, offline: true),
        };
        return handler;
    }

    private static bool ValidateServer(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection? trusted)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        if (trusted is null)
        {
            return errors == SslPolicyErrors.None;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return CertificateValidation.TryValidate(leaf, chain, trusted, CertificateValidation.ServerAuthentication, out _);
    }
}
