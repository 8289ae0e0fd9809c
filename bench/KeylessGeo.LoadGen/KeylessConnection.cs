using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.LoadGen;

/// <summary>
/// One raw Keyless connection: a stream for writing (TLS to a keyserver, plaintext TCP or a Unix
/// socket to an edge agent), a PipeReader over it for responses.
/// </summary>
public sealed class KeylessConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;

    private KeylessConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        Reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
    }

    /// <summary>The stream requests are written to.</summary>
    public Stream Stream => _stream;

    /// <summary>Responses.</summary>
    public PipeReader Reader { get; }

    /// <summary>Connects with mutual TLS, offering only <paramref name="protocol"/>.</summary>
    public static async Task<KeylessConnection> ConnectAsync(string host, int port, X509Certificate2 client, X509Certificate2Collection ca, SslProtocols protocol)
    {
        var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await tcp.ConnectAsync(host, port);
        var ssl = new SslStream(new NetworkStream(tcp, ownsSocket: false), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = protocol,
            ClientCertificates = [client],
            CertificateChainPolicy = CertificateValidation.CreateHandshakePolicy(),
            RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                certificate is X509Certificate2 server &&
                CertificateValidation.TryValidate(server, chain, ca, CertificateValidation.ServerAuthentication, out _),
        });
        return new KeylessConnection(tcp, ssl);
    }

    /// <summary>
    /// Connects without TLS, as a terminator does to its edge agent: <c>tcp://127.0.0.1:port</c> or
    /// <c>unix:/path/to/keyless.sock</c>.
    /// </summary>
    public static async Task<KeylessConnection> ConnectPlainAsync(Uri address)
    {
        Socket socket;
        EndPoint endPoint;
        if (address.Scheme == "unix")
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            endPoint = new UnixDomainSocketEndPoint(address.AbsolutePath);
        }
        else
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            endPoint = new DnsEndPoint(address.Host, address.Port);
        }

        await socket.ConnectAsync(endPoint);
        return new KeylessConnection(socket, new NetworkStream(socket, ownsSocket: false));
    }

    /// <summary>Copies <paramref name="frame"/> into <paramref name="destination"/> with id <paramref name="id"/>.</summary>
    public static void WriteWithId(Span<byte> destination, byte[] frame, uint id)
    {
        frame.CopyTo(destination);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], id);
    }

    /// <summary>
    /// Reads the next response's id and error (null on success). Ok is false when the read was
    /// cancelled (<c>Reader.CancelPendingRead</c>) or, with Closed, when the connection ended.
    /// </summary>
    public async ValueTask<(bool Ok, uint Id, KeylessError? Error, bool Closed)> ReadResponseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await Reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (KeylessFrameReader.TryReadFrame(ref buffer, KeylessHeader.MaxBodyLength, out var frame) == KeylessFrameStatus.Frame)
            {
                KeylessError? error = null;
                if (!KeylessItemParser.TryParseResponse(frame.Body, out var response, out var parse))
                {
                    throw new InvalidDataException("malformed response: " + parse.Reason);
                }

                if (response.IsError)
                {
                    error = response.Error;
                }

                Reader.AdvanceTo(buffer.Start);
                return (true, frame.Id, error, false);
            }

            Reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted || read.IsCanceled)
            {
                return (false, 0, null, read.IsCompleted);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Reader.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
