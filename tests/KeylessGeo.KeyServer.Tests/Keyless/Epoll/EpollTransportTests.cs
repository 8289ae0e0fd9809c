using System.Net.Sockets;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless.Epoll;

/// <summary>
/// What only the epoll transport has: replies the signing core finishes on another thread handed back
/// to their loop, a socket that will not take more (WANT_WRITE) stopping the reader, the drain on stop,
/// and the handshake under the partial-message timeout. The protocol itself is tested on both
/// transports by the Keyless end-to-end classes (their <c>OnEpoll</c> variants).
/// </summary>
public sealed class EpollTransportTests : IDisposable
{
    private static readonly byte[] Ski = [.. Enumerable.Range(1, 20).Select(i => (byte)i)];
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();

    [Fact]
    public async Task LateCompletions_AreAnsweredOnTheirOwnConnections_InWhateverOrderTheCoreFinishes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var signing = new ScriptedSigningService();
        await using var server = await EpollTestServer.StartAsync(_tls, signing, cancellationToken: timeout.Token);
        await using var first = await server.ConnectAsync(timeout.Token);
        await using var second = await server.ConnectAsync(timeout.Token);

        await first.WriteAsync(Sign(11), timeout.Token);
        var firstCall = await signing.Calls.Reader.ReadAsync(timeout.Token);
        await second.WriteAsync(Sign(22), timeout.Token);
        var secondCall = await signing.Calls.Reader.ReadAsync(timeout.Token);
        Assert.Equal(11UL, firstCall.Request.Id);
        Assert.Equal(22UL, secondCall.Request.Id);

        // Completed on this thread, not a loop's: the second request first.
        secondCall.Completion!.SetResult(ScriptedSigningService.Success(secondCall.Request));
        var secondAnswer = await second.ReadAsync(timeout.Token);
        firstCall.Completion!.SetResult(ScriptedSigningService.Success(firstCall.Request));
        var firstAnswer = await first.ReadAsync(timeout.Token);

        Assert.Equal(22U, secondAnswer!.Id);
        Assert.Equal([0x5A, 22], secondAnswer.Payload);
        Assert.Equal(11U, firstAnswer!.Id);
        Assert.Equal([0x5A, 11], firstAnswer.Payload);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task AClientThatDoesNotRead_FillsItsShareAndStopsTheReader_ThenGetsEveryPongInOrder()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        const int Pings = 200;
        const int PerConnection = 256 * 1024;
        var settings = new Dictionary<string, string?>
        {
            ["Keyless:MaxBodyLength"] = "65535",
            ["Keyless:MaxResponseBytesPerConnection"] = PerConnection.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Keyless:ResponseBytesBudget"] = (4 * PerConnection).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var server = await EpollTestServer.StartAsync(_tls, new ScriptedSigningService(), settings, cancellationToken: timeout.Token);
        await using var client = await server.ConnectAsync(timeout.Token);
        var payloads = Enumerable.Range(0, Pings).Select(i => Enumerable.Repeat((byte)i, 60_000).ToArray()).ToArray();
        var cost = KeylessHeader.Size + 4 + 3 + 60_000;

        // 12 MB of pings, far beyond the socket buffers; nothing read back yet.
        var writing = client.WriteAsync(payloads.SelectMany((payload, i) => KeylessTestClient.Ping((uint)i, payload, pad: false)).ToArray(), timeout.Token);

        // Replies the socket would not take (WANT_WRITE) wait in the connection's output, holding their
        // bytes in the budget, until its share is spent and the reader stops.
        Assert.True(
            SpinWait.SpinUntil(() => server.Budget.QueuedBytes > PerConnection - cost || timeout.IsCancellationRequested, TimeSpan.FromSeconds(60)),
            $"the connection never filled its share: {server.Budget.QueuedBytes} bytes queued");
        Assert.False(writing.IsCompleted, "the server read every ping without the client reading");

        for (var i = 0; i < Pings; i++)
        {
            var pong = await client.ReadAsync(timeout.Token);
            Assert.Equal(KeylessOpcode.Pong, pong!.Opcode);
            Assert.Equal((uint)i, pong.Id);
            Assert.Equal(payloads[i], pong.Payload);
        }

        await writing;
        Assert.InRange(server.Budget.PeakBytes, cost, PerConnection);
        Assert.True(SpinWait.SpinUntil(() => server.Budget.QueuedBytes == 0, TimeSpan.FromSeconds(10)), "the budget was not given back");
    }

    [Fact]
    public async Task AFloodFromSeveralConnections_WithOverloadedAnswers_GetsEveryRequestAnswered_AndKeepsEveryConnectionOpen()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        const int Connections = 4;
        const int Requests = 3000;
        var waits = 0;

        // Every odd request is refused OVERLOADED. A worker is mostly free again by the time the reader
        // waits for one (the wait is over at once, as the real core's is), and now and then only later,
        // when the test frees it from its own thread.
        var signing = new ScriptedSigningService
        {
            Immediate = request => request.Id % 2 == 1
                ? ScriptedSigningService.Failure(request, Contracts.V1.ErrorCode.Overloaded)
                : ScriptedSigningService.Success(request),
            CapacityFree = () => Interlocked.Increment(ref waits) % 4 != 0,
        };
        await using var server = await EpollTestServer.StartAsync(_tls, signing, cancellationToken: timeout.Token);
        using var freeing = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var freer = Task.Run(
            async () =>
            {
                await foreach (var wait in signing.CapacityWaits.Reader.ReadAllAsync(freeing.Token))
                {
                    wait.TrySetResult();
                }
            },
            freeing.Token);

        var clients = new List<KeylessTestClient>();
        var resets = new System.Collections.Concurrent.ConcurrentQueue<string>();
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                clients.Add(await server.ConnectAsync(timeout.Token));
            }

            // Each connection's requests in one write, far more than the server reads at once, read back
            // beside the write: the server meets whole frames still unanswered when it resumes reading.
            var flood = Enumerable.Range(1, Requests).SelectMany(id => Sign((uint)id)).ToArray();
            var answers = await Task.WhenAll(clients.Select(async client =>
            {
                var writing = client.WriteAsync(flood, timeout.Token);
                var read = new List<KeylessTestResponse?>(Requests);
                try
                {
                    for (var i = 0; i < Requests; i++)
                    {
                        var answer = await client.ReadAsync(timeout.Token);
                        read.Add(answer);
                        if (answer is null)
                        {
                            break;
                        }
                    }

                    await writing;
                }
                catch (IOException e)
                {
                    // Reset: the server's close log says why (asserted below).
                    read.Add(null);
                    resets.Enqueue(e.Message);
                }

                return read;
            }));

            if (answers.Any(read => read.Contains(null)))
            {
                // The close is logged before the connection stops counting: wait for the count, then the log has it.
                SpinWait.SpinUntil(() => server.Listener.OpenConnections < Connections, TimeSpan.FromSeconds(10));
            }

            var closes = string.Join("; ", server.Logs.Entries.Where(e => e.EventId.Name?.StartsWith("KeylessConnection", StringComparison.Ordinal) == true).Select(e => e.Message).Concat(resets));
            foreach (var read in answers)
            {
                Assert.True(read.All(answer => answer is not null), $"a connection ended after {read.Count - 1} answers: {closes}");
                Assert.Equal(Enumerable.Range(1, Requests).Select(id => (uint)id), read.Select(answer => answer!.Id));
                Assert.All(read.Where(answer => answer!.Id % 2 == 1), answer => Assert.Equal(KeylessError.InternalError, answer!.Error));
                Assert.All(read.Where(answer => answer!.Id % 2 == 0), answer => Assert.Equal([0x5A, (byte)answer!.Id], answer.Payload));
            }

            // Still open: each connection answers one more request, and none was closed.
            for (var i = 0; i < Connections; i++)
            {
                var pong = await clients[i].ExchangeAsync(KeylessTestClient.Ping(90_000, [(byte)i]), timeout.Token);
                Assert.Equal([(byte)i], pong.Payload);
            }

            Assert.Equal(Connections, server.Listener.OpenConnections);
            Assert.DoesNotContain(server.Logs.Entries, e => e.EventId.Name == "KeylessConnectionClosed");
            Assert.True(Volatile.Read(ref waits) >= Connections, $"the readers paused for capacity only {waits} times");
        }
        finally
        {
            await freeing.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => freer);
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AReaderResumedAfterOverloaded_WithPartOfARecordInOpenSsl_SendsWhatItAnswered_AndReadsTheRest()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var signing = new ScriptedSigningService
        {
            Immediate = request => request.Id == 1
                ? ScriptedSigningService.Failure(request, Contracts.V1.ErrorCode.Overloaded)
                : ScriptedSigningService.Success(request),
        };
        await using var server = await EpollTestServer.StartAsync(_tls, signing, cancellationToken: timeout.Token);
        HeldWritesStream? socket = null;
        await using var client = await KeylessTestClient.ConnectAsync(
            server.EndPoint,
            new KeylessTestClientOptions
            {
                TrustedCa = _tls.TrustedCa,
                ClientCertificate = _tls.ClientCertificate,
                WrapSocketStream = stream => socket = new HeldWritesStream(stream),
            },
            timeout.Token);

        // Three requests, a TLS record each; the first two and a few bytes of the third reach the
        // server in one segment, so OpenSSL (reading ahead) holds part of a record when the reader pauses.
        socket!.Hold();
        for (uint id = 1; id <= 3; id++)
        {
            await client.WriteAsync(Sign(id), timeout.Token);
        }

        Assert.Equal(3, socket.Held.Count);
        await socket.SendAsync(socket.Held[0].Length + socket.Held[1].Length + 16, timeout.Token);

        // The first is refused OVERLOADED and the reader waits for a worker; the worker frees up.
        var refused = await client.ReadAsync(timeout.Token);
        Assert.Equal(1U, refused!.Id);
        Assert.Equal(KeylessError.InternalError, refused.Error);
        var wait = await signing.CapacityWaits.Reader.ReadAsync(timeout.Token);
        wait.TrySetResult();

        // The resumed reader answers the second, meets the partial record, and still sends the answer
        // and asks epoll for the rest.
        var second = await client.ReadAsync(timeout.Token);
        Assert.Equal(2U, second!.Id);
        Assert.Equal([0x5A, 2], second.Payload);
        await socket.SendAsync(socket.Held[0].Length, timeout.Token);
        var third = await client.ReadAsync(timeout.Token);
        Assert.Equal(3U, third!.Id);
        Assert.Equal([0x5A, 3], third.Payload);
    }

    [Fact]
    public async Task Stop_RefusesNewConnections_AnswersWhatWasRead_ThenCloses()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var signing = new ScriptedSigningService();
        await using var server = await EpollTestServer.StartAsync(_tls, signing, cancellationToken: timeout.Token);
        var endPoint = server.EndPoint;
        await using var client = await server.ConnectAsync(timeout.Token);
        await client.WriteAsync(Sign(7), timeout.Token);
        var call = await signing.Calls.Reader.ReadAsync(timeout.Token);

        var stopping = server.StopAsync(timeout.Token);
        Assert.True(
            SpinWait.SpinUntil(() => server.Logs.Entries.Any(e => e.EventId.Name == "KeylessEpollDraining"), TimeSpan.FromSeconds(30)),
            "the listener never began to drain");
        Assert.False(stopping.IsCompleted, "stopped with a request still at the signing core");
        using (var late = new TcpClient())
        {
            await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(endPoint, timeout.Token).AsTask());
        }

        call.Completion!.SetResult(ScriptedSigningService.Success(call.Request));
        var answer = await client.ReadAsync(timeout.Token);
        Assert.Equal(7U, answer!.Id);
        Assert.Null(await KeylessFramingEndToEndTests.ReadOrNullAsync(client, timeout.Token));
        await stopping.WaitAsync(timeout.Token);
        Assert.Equal(0, server.Listener.OpenConnections);
        Assert.Contains(server.Logs.Entries, e => e.EventId.Name == "KeylessConnectionClosed" && e.Message.Contains("(ServerStopping)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHandshakeNeverSent_IsClosedWhenThePartialMessageTimeoutExpires_NotBefore()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = new ManualClock();
        var settings = new Dictionary<string, string?> { ["Keyless:PartialMessageTimeout"] = "00:00:10" };
        await using var server = await EpollTestServer.StartAsync(_tls, new ScriptedSigningService(), settings, clock, timeout.Token);
        using var silent = new TcpClient();
        await silent.ConnectAsync(server.EndPoint, timeout.Token);
        var stream = silent.GetStream();
        var read = stream.ReadAsync(new byte[1], timeout.Token).AsTask();

        // The clock moves only once the server has accepted the socket (connect completes before that).
        Assert.True(SpinWait.SpinUntil(() => server.Monitor.Count == 1, TimeSpan.FromSeconds(30)), "the server never accepted the connection");
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(read.IsCompleted, "closed before the timeout");
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, await read.WaitAsync(timeout.Token));
        Assert.True(
            SpinWait.SpinUntil(() => server.Logs.Entries.Any(e => e.EventId.Name == "KeylessEpollHandshakeFailed"), TimeSpan.FromSeconds(10)),
            "the refused handshake was not logged");
        Assert.Equal(0, server.Listener.OpenConnections);
    }

    [Fact]
    public async Task AClientWithoutACertificate_IsRefusedInTheHandshake_AndACertifiedOneIsServed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await EpollTestServer.StartAsync(_tls, new ScriptedSigningService(), cancellationToken: timeout.Token);

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var anonymous = await KeylessTestClient.ConnectAsync(server.EndPoint, new KeylessTestClientOptions { TrustedCa = _tls.TrustedCa }, timeout.Token);
            await anonymous.ExchangeAsync(KeylessTestClient.Ping(1, [1]), timeout.Token);
        });
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var untrusted = await KeylessTestClient.ConnectAsync(
                server.EndPoint, new KeylessTestClientOptions { TrustedCa = _tls.TrustedCa, ClientCertificate = _tls.OtherCaClientCertificate }, timeout.Token);
            await untrusted.ExchangeAsync(KeylessTestClient.Ping(2, [2]), timeout.Token);
        });
        await using var trusted = await server.ConnectAsync(timeout.Token);

        var pong = await trusted.ExchangeAsync(KeylessTestClient.Ping(3, [3]), timeout.Token);
        Assert.Equal([3], pong.Payload);
        Assert.True(
            SpinWait.SpinUntil(() => server.Logs.Entries.Count(e => e.EventId.Name == "KeylessEpollHandshakeFailed") == 2, TimeSpan.FromSeconds(10)),
            "both refused handshakes should be logged");
        Assert.Equal(1, server.Listener.OpenConnections);
    }

    public void Dispose() => _tls.Dispose();

    private static byte[] Sign(uint id) =>
        KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = new byte[32], Ski = Ski }, pad: false);
}
