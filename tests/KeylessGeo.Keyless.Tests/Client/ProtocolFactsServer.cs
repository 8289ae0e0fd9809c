using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Transport.Tls;
using KeylessGeo.Testing;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>
/// A conforming Keyless server written from KEYLESS-PROTOCOL.md alone: real TCP and mutual TLS
/// on 127.0.0.1, frames read and written by hand (<see cref="FactsWire"/>), never with the codec
/// under test. Each test scripts it through <see cref="Handler"/> (answer out of order, pad, add
/// unknown items, send errors, garbage or responses for unknown ids, hold or drop requests,
/// close the connection). It checks every request it reads against the protocol facts and lists
/// any breach in <see cref="Violations"/>.
/// </summary>
internal sealed class ProtocolFactsServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly SslStreamCertificateContext _certificate;
    private readonly X509Certificate2Collection _trustedClientCa;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ServerConnection> _connections = new();
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<Task> _tasks = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly Task _accepting;
    private int _acceptedTcp;
    private int _established;
    private int _handshakeFailures;

    public ProtocolFactsServer(TestTlsMaterial tls, TestSigner signer, X509Certificate2? serverCertificate = null)
    {
        Signer = signer;
        _certificate = SslStreamCertificateContext.Create(serverCertificate ?? tls.ServerCertificate, null, offline: true);
        _trustedClientCa = tls.TrustedCa;
        Handler = (connection, request) => connection.SendAsync(Signer.Answer(request));
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>Handles each request, in arrival order per connection (the read loop awaits it).</summary>
    public delegate Task RequestHandler(ServerConnection connection, ReceivedRequest request);

    public int Port { get; }

    public TestSigner Signer { get; }

    /// <summary>The script; by default every request is answered at once, as a conforming server would.</summary>
    public RequestHandler Handler { get; set; }

    /// <summary>Given the TCP connection number (1, 2, …), false drops that connection before the TLS handshake.</summary>
    public Func<int, bool> AcceptConnection { get; set; } = _ => true;

    /// <summary>TCP connections accepted.</summary>
    public int AcceptedTcp => Volatile.Read(ref _acceptedTcp);

    /// <summary>Connections whose mutual-TLS handshake succeeded.</summary>
    public int EstablishedTls => Volatile.Read(ref _established);

    /// <summary>TLS handshakes that failed on the server side.</summary>
    public int HandshakeFailures => Volatile.Read(ref _handshakeFailures);

    /// <summary>Every request read, across connections.</summary>
    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    /// <summary>Breaches of the protocol facts by the client (should stay empty).</summary>
    public IReadOnlyList<string> Violations => [.. _violations];

    /// <summary>Completes once at least <paramref name="count"/> requests have been read in total.</summary>
    public Task WaitForRequestsAsync(int count)
    {
        lock (_waiters)
        {
            if (_received.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        await Task.WhenAll([_accepting, .. _tasks]).WaitAsync(TimeSpan.FromSeconds(20));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _tasks.Enqueue(ServeAsync(socket, Interlocked.Increment(ref _acceptedTcp)));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket socket, int tcpNumber)
    {
        await Task.Yield();
        if (!AcceptConnection(tcpNumber))
        {
            socket.Dispose();
            return;
        }

        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            await ssl.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _certificate,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = CertificateValidation.CreateHandshakePolicy(),
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) => certificate is X509Certificate2 client
                        && CertificateValidation.TryValidate(client, chain, _trustedClientCa, CertificateValidation.ClientAuthentication, out _),
                },
                _stop.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _handshakeFailures);
            await ssl.DisposeAsync();
            return;
        }

        using var connection = new ServerConnection(Interlocked.Increment(ref _established), socket, ssl);
        _connections.Enqueue(connection);
        try
        {
            await ReadRequestsAsync(connection);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The client closed the connection, or the test (or the script) did.
        }
    }

    private async Task ReadRequestsAsync(ServerConnection connection)
    {
        var header = new byte[8];
        while (await connection.Stream.ReadAtLeastAsync(header, 8, throwOnEndOfStream: false, _stop.Token) == 8)
        {
            var (major, minor, length, id) = FactsWire.Header(header);
            var body = new byte[length];
            await connection.Stream.ReadExactlyAsync(body, _stop.Token);
            var items = FactsWire.Items(body);
            if (major != 1 || minor != 0 || items is null)
            {
                _violations.Enqueue($"request {id}: version {major}.{minor}, items readable: {items is not null}");
                return;
            }

            var request = new ReceivedRequest(connection.Number, id, 8 + length, items);
            Check(request);
            Record(request);
            await Handler(connection, request);
        }
    }

    private void Check(ReceivedRequest request)
    {
        var opcodes = request.Items.Count(item => item.Tag == FactsWire.TagOpcode);
        if (opcodes != 1 || request.Item(FactsWire.TagOpcode)!.Length != 1)
        {
            _violations.Enqueue($"request {request.Id}: {opcodes} opcode items");
        }

        if (request.Length < 1024 || request.Item(FactsWire.TagPadding) is null)
        {
            _violations.Enqueue($"request {request.Id}: {request.Length} bytes, padding item present: {request.Item(FactsWire.TagPadding) is not null}");
        }
    }

    private void Record(ReceivedRequest request)
    {
        lock (_waiters)
        {
            _received.Enqueue(request);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_received.Count >= _waiters[i].Count)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
