using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Testing.Keyless;
using Microsoft.AspNetCore.Connections;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>One connection's flow control and teardown, with a scripted signing core and in-memory pipes.</summary>
public sealed class KeylessConnectionTests
{
    private static readonly byte[] Ski = [.. Enumerable.Range(1, 20).Select(i => (byte)i)];

    [Fact]
    public async Task Reading_StopsAtMaxInFlight_AndGoesOnAsAnswersAreWritten()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        const int MaxInFlight = 3;
        const int Requests = 12;
        var signing = new ScriptedSigningService();
        await using var connection = new InMemoryKeylessConnection(signing, MaxInFlight);
        await connection.SendAsync([.. Enumerable.Range(1, Requests).SelectMany(id => Sign((uint)id))]);
        var run = connection.Connection.RunAsync();

        var answered = new HashSet<uint>();
        for (var i = 0; i < Requests; i++)
        {
            var call = await signing.Calls.Reader.ReadAsync(timeout.Token);
            Assert.True(signing.CallCount <= answered.Count + MaxInFlight, $"{signing.CallCount} calls with {answered.Count} answered");
            call.Completion!.SetResult(ScriptedSigningService.Success(call.Request));
            var response = await connection.ReceiveAsync(timeout.Token);
            Assert.NotNull(response);
            Assert.True(answered.Add(response.Id));
        }

        Assert.InRange(signing.MaxPending, 1, MaxInFlight);
        await connection.CloseClientAsync();
        Assert.Equal(KeylessCloseReason.ClientClosed, await run.WaitAsync(timeout.Token));
        Assert.Null(await connection.ReceiveAsync(timeout.Token));
    }

    [Fact]
    public async Task OverloadedAnswer_PausesReading_UntilCapacityFrees()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var signing = new ScriptedSigningService { Immediate = request => ScriptedSigningService.Failure(request, ErrorCode.Overloaded) };
        await using var connection = new InMemoryKeylessConnection(signing);
        await connection.SendAsync([.. Sign(1), .. Sign(2), .. Sign(3)]);
        var run = connection.Connection.RunAsync();

        for (uint id = 1; id <= 3; id++)
        {
            var wait = await signing.CapacityWaits.Reader.ReadAsync(timeout.Token);

            // The reader waits for capacity before reading the next request, and has answered this one.
            Assert.Equal((int)id, signing.CallCount);
            var response = await connection.ReceiveAsync(timeout.Token);
            Assert.Equal(id, response!.Id);
            Assert.Equal(KeylessError.InternalError, response.Error);
            wait.SetResult();
        }

        await connection.CloseClientAsync();
        Assert.Equal(KeylessCloseReason.ClientClosed, await run.WaitAsync(timeout.Token));
    }

    [Fact]
    public async Task ClientClose_WaitsForRequestsInFlight_ThenCompletesTheOutput()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var signing = new ScriptedSigningService();
        await using var connection = new InMemoryKeylessConnection(signing);
        await connection.SendAsync([.. Sign(1), .. Sign(2)]);
        await connection.CloseClientAsync();
        var run = connection.Connection.RunAsync();
        var first = await signing.Calls.Reader.ReadAsync(timeout.Token);
        var second = await signing.Calls.Reader.ReadAsync(timeout.Token);

        Assert.False(run.IsCompleted, "the connection ended with requests in flight");
        second.Completion!.SetResult(ScriptedSigningService.Success(second.Request));
        Assert.Equal(2U, (await connection.ReceiveAsync(timeout.Token))!.Id);
        Assert.False(run.IsCompleted, "the connection ended with a request in flight");
        first.Completion!.SetResult(ScriptedSigningService.Failure(first.Request, ErrorCode.KeyNotFound));

        Assert.Equal(KeylessCloseReason.ClientClosed, await run.WaitAsync(timeout.Token));
        var last = await connection.ReceiveAsync(timeout.Token);
        Assert.Equal(1U, last!.Id);
        Assert.Equal(KeylessError.KeyNotFound, last.Error);
        Assert.Null(await connection.ReceiveAsync(timeout.Token));
    }

    [Fact]
    public async Task TransportReset_CancelsRequestsStillQueued_AndEndsTheConnection()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var signing = new ScriptedSigningService();
        await using var connection = new InMemoryKeylessConnection(signing);
        await connection.SendAsync([.. Sign(1), .. Sign(2)]);
        var run = connection.Connection.RunAsync();
        var first = await signing.Calls.Reader.ReadAsync(timeout.Token);
        var second = await signing.Calls.Reader.ReadAsync(timeout.Token);

        await connection.CloseClientAsync(new ConnectionResetException("reset by the test"));

        Assert.Equal(KeylessCloseReason.TransportFailed, await run.WaitAsync(timeout.Token));
        Assert.True(first.CancellationToken.IsCancellationRequested);
        Assert.True(second.CancellationToken.IsCancellationRequested);
        Assert.IsType<ConnectionResetException>(connection.Connection.TransportError);
    }

    [Fact]
    public async Task FramingError_IsAnsweredLast_AfterRequestsInFlight()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var signing = new ScriptedSigningService();
        await using var connection = new InMemoryKeylessConnection(signing);
        await connection.SendAsync([.. Sign(1), .. RawFrames.Header(2, 3, 0), .. Sign(3)]);
        var run = connection.Connection.RunAsync();
        var call = await signing.Calls.Reader.ReadAsync(timeout.Token);
        call.Completion!.SetResult(ScriptedSigningService.Success(call.Request));

        Assert.Equal(KeylessCloseReason.FramingError, await run.WaitAsync(timeout.Token));
        Assert.Equal(1U, (await connection.ReceiveAsync(timeout.Token))!.Id);
        var fatal = await connection.ReceiveAsync(timeout.Token);
        Assert.Equal(2U, fatal!.Id);
        Assert.Equal(KeylessError.VersionMismatch, fatal.Error);
        Assert.Null(await connection.ReceiveAsync(timeout.Token));
        Assert.Equal(1, signing.CallCount);
        Assert.Equal(new KeylessFraming(KeylessFrameStatus.UnsupportedVersion, 2, 3, 0), connection.Connection.FramingError);
    }

    [Fact]
    public async Task CoreFault_IsAnsweredInternalError()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var signing = new ScriptedSigningService();
        await using var connection = new InMemoryKeylessConnection(signing);
        await connection.SendAsync(Sign(9));
        var run = connection.Connection.RunAsync();
        var call = await signing.Calls.Reader.ReadAsync(timeout.Token);

        call.Completion!.SetException(new InvalidOperationException("a bug in the core"));

        var response = await connection.ReceiveAsync(timeout.Token);
        Assert.Equal(KeylessError.InternalError, response!.Error);
        await connection.CloseClientAsync();
        Assert.Equal(KeylessCloseReason.ClientClosed, await run.WaitAsync(timeout.Token));
    }

    private static byte[] Sign(uint id) =>
        KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = new byte[32], Ski = Ski }, pad: false);
}
