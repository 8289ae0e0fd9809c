using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Testing.Keyless;

/// <summary>
/// A raw Keyless protocol client for tests: one TLS connection (pinned to one TLS version), or
/// one plain connection (TCP or Unix socket, for the edge agent's local endpoints), bytes written
/// exactly as given, responses read and parsed with the codec. Reads and writes may run
/// concurrently (one reader and one writer at a time).
/// </summary>
public sealed class KeylessTestClient : IAsyncDisposable
{
    private readonly IDisposable _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;

    private KeylessTestClient(IDisposable socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
    }

    /// <summary>The negotiated TLS version.</summary>
    public SslProtocols Protocol => (_stream as SslStream)?.SslProtocol ?? SslProtocols.None;

    /// <summary>The negotiated cipher suite.</summary>
    public TlsCipherSuite CipherSuite => (_stream as SslStream)?.NegotiatedCipherSuite ?? default;

    /// <summary>Connects without TLS to <paramref name="endPoint"/> (an <see cref="IPEndPoint"/> or a <see cref="UnixDomainSocketEndPoint"/>).</summary>
    public static async Task<KeylessTestClient> ConnectPlainAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new KeylessTestClient(socket, new NetworkStream(socket, ownsSocket: false));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects and completes the TLS handshake (which a server may still reject afterwards under TLS 1.3).</summary>
    public static async Task<KeylessTestClient> ConnectAsync(IPEndPoint endPoint, KeylessTestClientOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(options);
        var tcp = new TcpClient(endPoint.AddressFamily) { NoDelay = true };
        SslStream? ssl = null;
        try
        {
            await tcp.ConnectAsync(endPoint, cancellationToken);
            var socketStream = tcp.GetStream();
            ssl = new SslStream(options.WrapSocketStream?.Invoke(socketStream) ?? socketStream, leaveInnerStreamOpen: false);
            var trusted = options.TrustedCa;
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = options.TargetHost,
                    EnabledSslProtocols = options.Protocol,
                    ClientCertificates = options.ClientCertificate is null ? null : [options.ClientCertificate],
                    CertificateChainPolicy = CertificateValidation.CreateHandshakePolicy(),
                    RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                        certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 server &&
                        (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None &&
                        CertificateValidation.TryValidate(server, chain, trusted, CertificateValidation.ServerAuthentication, out _),
                },
                cancellationToken);
            return new KeylessTestClient(tcp, ssl);
        }
        catch
        {
            if (ssl is not null)
            {
                await ssl.DisposeAsync();
            }

            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Encodes a request (padded to 1024 bytes unless <paramref name="pad"/> is false).</summary>
    public static byte[] Encode(uint id, in KeylessRequest request, bool pad = true)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        KeylessWriter.WriteRequest(buffer, id, request, pad);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes a ping carrying <paramref name="payload"/>.</summary>
    public static byte[] Ping(uint id, byte[] payload, bool pad = true) =>
        Encode(id, new KeylessRequest { Opcode = KeylessOpcode.Ping, Payload = payload }, pad);

    /// <summary>Writes <paramref name="bytes"/> as they are.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Ends the sending side (TLS close_notify, then a TCP half-close) while responses can still
    /// be read: the server answers what it has read, then closes.
    /// </summary>
    public async Task ShutdownAsync()
    {
        if (_stream is SslStream ssl)
        {
            await ssl.ShutdownAsync();
        }

        (_socket as TcpClient)?.Client.Shutdown(SocketShutdown.Send);
        (_socket as Socket)?.Shutdown(SocketShutdown.Send);
    }

    /// <summary>
    /// Reads the next response; null when the server closed the connection. Throws
    /// <see cref="InvalidDataException"/> when the server sent something that is not a valid response.
    /// </summary>
    public async Task<KeylessTestResponse?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await _reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var status = KeylessFrameReader.TryReadFrame(ref buffer, KeylessHeader.MaxBodyLength, out var frame);
            if (status == KeylessFrameStatus.Frame)
            {
                var response = Parse(frame);
                _reader.AdvanceTo(buffer.Start);
                return response;
            }

            if (status != KeylessFrameStatus.Incomplete)
            {
                throw new InvalidDataException($"The server sent an unreadable header: {status} (id {frame.Id}).");
            }

            if (read.IsCompleted)
            {
                var left = buffer.Length;
                _reader.AdvanceTo(buffer.End);
                return left == 0 ? null : throw new InvalidDataException($"The connection ended inside a message ({left} bytes).");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Reads the next message's bytes exactly as the server sent them (header and body), without
    /// parsing the body; null when the server closed the connection.
    /// </summary>
    public async Task<byte[]?> ReadFrameBytesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await _reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var start = buffer.Start;
            var status = KeylessFrameReader.TryReadFrame(ref buffer, KeylessHeader.MaxBodyLength, out _);
            if (status == KeylessFrameStatus.Frame)
            {
                var bytes = read.Buffer.Slice(start, buffer.Start).ToArray();
                _reader.AdvanceTo(buffer.Start);
                return bytes;
            }

            if (status != KeylessFrameStatus.Incomplete)
            {
                throw new InvalidDataException($"The server sent an unreadable header: {status}.");
            }

            if (read.IsCompleted)
            {
                var left = buffer.Length;
                _reader.AdvanceTo(buffer.End);
                return left == 0 ? null : throw new InvalidDataException($"The connection ended inside a message ({left} bytes).");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Writes one request and reads one response (nothing else may be in flight).</summary>
    public async Task<KeylessTestResponse> ExchangeAsync(byte[] request, CancellationToken cancellationToken)
    {
        await WriteAsync(request, cancellationToken);
        return await ReadAsync(cancellationToken) ?? throw new IOException("The server closed the connection without answering.");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private static KeylessTestResponse Parse(in KeylessFrame frame)
    {
        if (!KeylessItemParser.TryParseResponse(frame.Body, out var response, out var error))
        {
            throw new InvalidDataException($"Response {frame.Id} is malformed: {error.Reason}.");
        }

        return new KeylessTestResponse(frame.Id, response.IsError, response.IsError ? response.Error : default, response.Payload.ToArray(), response.Opcode);
    }
}
