using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.KeyServer.Tests.Grpc;

/// <summary>
/// A bare HTTP/2 client over mutual TLS (ALPN h2), for what Grpc.Net.Client will not do: stay
/// silent, never acknowledge a PING, never grant the server flow-control credit, leave a message
/// half-sent. A background loop reads every frame: it answers the server's SETTINGS, takes
/// WINDOW_UPDATE credit for its own sends, records RST_STREAM and GOAWAY, and completes
/// <see cref="Closed"/> when the server closes the connection.
/// </summary>
public sealed class RawHttp2Client : IAsyncDisposable
{
    public const string SignStreamPath = "/keylessgeo.v1.KeyServer/SignStream";

    private const byte Data = 0x0;
    private const byte Headers = 0x1;
    private const byte RstStream = 0x3;
    private const byte Settings = 0x4;
    private const byte GoAway = 0x7;
    private const byte WindowUpdate = 0x8;
    private const byte EndStream = 0x1;
    private const byte EndHeaders = 0x4;
    private const byte Ack = 0x1;
    private const int MaxFrame = 16 * 1024;

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly TcpClient _tcp;
    private readonly SslStream _ssl;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource _settings = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly Dictionary<int, long> _streamCredit = [];
    private readonly HashSet<int> _reset = [];
    private readonly int _initialWindow;
    private long _connectionCredit = 65_535;
    private long _peerInitialWindow = 65_535;
    private TaskCompletionSource _credit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _reading;

    private RawHttp2Client(TcpClient tcp, SslStream ssl, int initialWindow)
    {
        _tcp = tcp;
        _ssl = ssl;
        _initialWindow = initialWindow;
    }

    /// <summary>Completes, with the <see cref="System.Diagnostics.Stopwatch"/> timestamp, when the server has closed the connection (end of stream or reset).</summary>
    public Task<long> Closed => _closed.Task;

    /// <summary>The error code of the server's GOAWAY, if one arrived.</summary>
    public int? GoAwayError { get; private set; }

    /// <summary>DATA bytes the server sent.</summary>
    public long DataBytesReceived { get; private set; }

    /// <summary>
    /// Connects with <paramref name="certificate"/> and sends the preface and SETTINGS (initial
    /// stream window <paramref name="initialWindow"/>: 0 lets the server send no response data at
    /// all). Does not wait for the server's answer: see <see cref="WaitForSettingsAsync"/>.
    /// </summary>
    public static async Task<RawHttp2Client> ConnectAsync(
        IPEndPoint endPoint, X509Certificate2 certificate, X509Certificate2Collection trustedCa, CancellationToken cancellationToken, int initialWindow = 65_535)
    {
        var tcp = new TcpClient(endPoint.AddressFamily) { NoDelay = true };
        SslStream? ssl = null;
        try
        {
            await tcp.ConnectAsync(endPoint, cancellationToken);
            ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = SslProtocols.Tls13,
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                    ClientCertificates = [certificate],
                    CertificateChainPolicy = CertificateValidation.CreateHandshakePolicy(),
                    RemoteCertificateValidationCallback = (_, server, chain, errors) =>
                        ServerCertificateValidation.IsTrusted(server, chain, errors, trustedCa, "localhost", out string? _),
                },
                cancellationToken);
            var client = new RawHttp2Client(tcp, ssl, initialWindow);
            await client.StartAsync(cancellationToken);
            return client;
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

    /// <summary>
    /// True once the server's SETTINGS arrived (it serves the connection); false when it closed
    /// the connection first (refused after the handshake).
    /// </summary>
    public async Task<bool> WaitForSettingsAsync(CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(_settings.Task, _closed.Task).WaitAsync(cancellationToken);
        return first == _settings.Task;
    }

    /// <summary>Opens a <c>SignStream</c> call on <paramref name="streamId"/> (odd, increasing): HEADERS without END_STREAM.</summary>
    public Task OpenCallAsync(int streamId, CancellationToken cancellationToken, string path = SignStreamPath)
    {
        lock (_lock)
        {
            _streamCredit[streamId] = _peerInitialWindow;
        }

        var block = new List<byte>
        {
            0x83, // :method POST (static index 3)
            0x87, // :scheme https (static index 7)
        };
        AddLiteral(block, 0x04, null, path); // :path (name index 4)
        AddLiteral(block, 0x01, null, "localhost"); // :authority (name index 1)
        block.AddRange([0x0F, 0x10]); // content-type (name index 31) ...
        AddString(block, "application/grpc");
        AddLiteral(block, 0x00, "te", "trailers");
        return WriteFrameAsync(Headers, EndHeaders, streamId, [.. block], cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="messages"/> as gRPC messages (5-byte prefix each) in DATA frames,
    /// waiting for flow-control credit as a real client would. Returns false when the server reset
    /// the stream or closed the connection before everything was sent.
    /// </summary>
    public async Task<bool> SendMessagesAsync(int streamId, IEnumerable<byte[]> messages, bool endStream, CancellationToken cancellationToken)
    {
        var pending = new List<byte>();
        foreach (var message in messages)
        {
            var prefix = new byte[5];
            BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), (uint)message.Length);
            pending.AddRange(prefix);
            pending.AddRange(message);
        }

        var offset = 0;
        do
        {
            var chunk = Math.Min(MaxFrame, pending.Count - offset);
            if (chunk > 0 && !await TakeCreditAsync(streamId, chunk, cancellationToken))
            {
                return false;
            }

            var last = offset + chunk == pending.Count;
            await WriteFrameAsync(Data, endStream && last ? EndStream : (byte)0, streamId, pending.GetRange(offset, chunk).ToArray(), cancellationToken);
            offset += chunk;
        }
        while (offset < pending.Count);
        return true;
    }

    /// <summary>Sends <paramref name="bytes"/> raw on the stream: the start of a message, for instance, never finished.</summary>
    public Task SendDataAsync(int streamId, byte[] bytes, CancellationToken cancellationToken) =>
        WriteFrameAsync(Data, 0, streamId, bytes, cancellationToken);

    /// <summary>Whether the server has reset <paramref name="streamId"/>.</summary>
    public bool WasReset(int streamId)
    {
        lock (_lock)
        {
            return _reset.Contains(streamId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await _ssl.DisposeAsync();
        if (_reading is not null)
        {
            await _reading;
        }
    }

    private static void AddLiteral(List<byte> block, byte nameIndex, string? name, string value)
    {
        block.Add(nameIndex); // literal header field without indexing
        if (name is not null)
        {
            AddString(block, name);
        }

        AddString(block, value);
    }

    private static void AddString(List<byte> block, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        if (bytes.Length >= 127)
        {
            throw new ArgumentException("Only short header values are supported.", nameof(value));
        }

        block.Add((byte)bytes.Length);
        block.AddRange(bytes);
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(settings, 0x4); // SETTINGS_INITIAL_WINDOW_SIZE
        BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(2), (uint)_initialWindow);
        await _ssl.WriteAsync(Preface, cancellationToken);
        await WriteFrameAsync(Settings, 0, 0, settings, cancellationToken);
        _reading = ReadLoopAsync();
    }

    private async Task<bool> TakeCreditAsync(int streamId, int bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_reset.Contains(streamId) || _closed.Task.IsCompleted)
                {
                    return false;
                }

                if (_connectionCredit >= bytes && _streamCredit[streamId] >= bytes)
                {
                    _connectionCredit -= bytes;
                    _streamCredit[streamId] -= bytes;
                    return true;
                }

                wait = _credit.Task;
            }

            await Task.WhenAny(wait, _closed.Task).WaitAsync(cancellationToken);
        }
    }

    private async Task WriteFrameAsync(byte type, byte flags, int streamId, byte[] payload, CancellationToken cancellationToken)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _ssl.WriteAsync(frame, cancellationToken);
            await _ssl.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[9];
        try
        {
            while (true)
            {
                await _ssl.ReadExactlyAsync(header);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var type = header[3];
                var flags = header[4];
                var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
                var payload = new byte[length];
                await _ssl.ReadExactlyAsync(payload);
                await OnFrameAsync(type, flags, streamId, payload);
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or AuthenticationException)
        {
            // The server closed the connection (or the test disposed it).
        }
        finally
        {
            lock (_lock)
            {
                _closed.TrySetResult(System.Diagnostics.Stopwatch.GetTimestamp());
                _credit.TrySetResult();
            }
        }
    }

    private async Task OnFrameAsync(byte type, byte flags, int streamId, byte[] payload)
    {
        switch (type)
        {
            case Settings when (flags & Ack) == 0:
                for (var i = 0; i + 6 <= payload.Length; i += 6)
                {
                    if (BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(i)) == 0x4)
                    {
                        lock (_lock)
                        {
                            // A new initial window changes every open stream's credit by the difference.
                            var window = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(i + 2));
                            foreach (var id in _streamCredit.Keys.ToList())
                            {
                                _streamCredit[id] += window - _peerInitialWindow;
                            }

                            _peerInitialWindow = window;
                        }
                    }
                }

                await WriteFrameAsync(Settings, Ack, 0, [], CancellationToken.None);
                _settings.TrySetResult();
                break;
            case WindowUpdate:
                var increment = BinaryPrimitives.ReadUInt32BigEndian(payload) & int.MaxValue;
                Credit(streamId, increment);
                break;
            case RstStream:
                lock (_lock)
                {
                    _reset.Add(streamId);
                }

                Credit(streamId, 0);
                break;
            case GoAway:
                GoAwayError = (int)BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4));
                break;
            case Data:
                // Counted, never credited back: a client that does not read.
                DataBytesReceived += payload.Length;
                break;
            default:
                // PING is never acknowledged; HEADERS (response headers, trailers) need nothing.
                break;
        }
    }

    private void Credit(int streamId, long increment)
    {
        lock (_lock)
        {
            if (streamId == 0)
            {
                _connectionCredit += increment;
            }
            else if (_streamCredit.TryGetValue(streamId, out var credit))
            {
                _streamCredit[streamId] = credit + increment;
            }

            var waiting = _credit;
            _credit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting.TrySetResult();
        }
    }
}
