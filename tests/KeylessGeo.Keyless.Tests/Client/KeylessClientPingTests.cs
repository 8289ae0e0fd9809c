using System.Buffers.Binary;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>
/// Ping and pong at the byte level, from the corrected protocol facts: a ping (opcode 0xF1) is
/// answered with opcode 0xF2 and the ping's payload echoed, or with an error (0xFF); anything
/// else is not an answer to a ping.
/// </summary>
public sealed class KeylessClientPingTests
{
    [Fact]
    public async Task Ping_SendsOpcodeF1WithThePayloadPaddedTo1024Bytes_AndReturnsThePongsEcho()
    {
        await using var harness = ClientHarness.Start();
        byte[]? pong = null;
        harness.Server.Handler = (connection, request) =>
        {
            // Written byte by byte from the facts: version 1.0, body length 11, the request's id,
            // then opcode 0xF2 and the 4-byte payload.
            pong = [0x01, 0x00, 0x00, 0x0B, 0, 0, 0, 0, 0x11, 0x00, 0x01, 0xF2, 0x12, 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF];
            BinaryPrimitives.WriteUInt32BigEndian(pong.AsSpan(4), request.Id);
            return connection.SendAsync(pong);
        };

        var result = await harness.Client.PingAsync(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, result.Value.ToArray());
        var request = Assert.Single(harness.Server.Received);
        Assert.Equal(1024, request.Length);
        Assert.Equal(3, request.Items.Count);
        Assert.Equal(FactsWire.TagOpcode, request.Items[0].Tag);
        Assert.Equal(new byte[] { 0xF1 }, request.Items[0].Data);
        Assert.Equal(FactsWire.TagPayload, request.Items[1].Tag);
        Assert.Equal(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, request.Items[1].Data);

        // 8 (header) + 4 (opcode) + 7 (payload) + 3 (padding header) + 1002 = 1024.
        Assert.Equal(FactsWire.TagPadding, request.Items[2].Tag);
        Assert.Equal(1002, request.Items[2].Data.Length);
        Assert.Empty(harness.Server.Violations);
        Assert.Equal(0, harness.Log.Count("MalformedResponse"));
    }

    [Fact]
    public async Task Ping_WhenTheServerAnswersWithAnError_ReturnsTheWireError()
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (connection, request) => connection.SendAsync(FactsWire.Error(request.Id, 0x08));

        var result = await harness.Client.PingAsync("hi"u8.ToArray(), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.False(result.IsSuccess);
        Assert.Equal(KeylessError.InternalError, result.WireError);
        Assert.Equal(ErrorCode.Internal, result.Code);
        Assert.Equal(0, harness.Log.Count("MalformedResponse"));
    }

    [Fact]
    public async Task Ping_WhenTheServerAnswersWithOpcodeF0_FailsThatPingWithAClearError_AndTheConnectionGoesOn()
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (connection, request) => request.Opcode == FactsWire.Ping && request.Payload is [0x01]
            ? connection.SendAsync(FactsWire.Response(request.Id, request.Payload))
            : connection.SendAsync(harness.Signer.Answer(request));

        var refused = await harness.Client.PingAsync(new byte[] { 0x01 }, ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);
        var digest = ClientHarness.Digest();
        var signed = await harness.Client.SignAsync(ClientHarness.EcdsaSign(digest), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);
        var answered = await harness.Client.PingAsync(new byte[] { 0x02 }, ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.False(refused.IsSuccess);
        Assert.Equal(ErrorCode.Internal, refused.Code);
        Assert.Null(refused.WireError);
        Assert.True(refused.MayHaveReachedServer);
        Assert.Contains("a ping (0xF1) was answered with opcode 0xF0; a ping is answered with 0xF2 (pong) or 0xFF (error)", refused.Message, StringComparison.Ordinal);
        Assert.True(signed.IsSuccess, signed.ToString());
        Assert.True(harness.Signer.VerifyEcdsa(digest, signed.Value));
        Assert.True(answered.IsSuccess, answered.ToString());
        Assert.Equal(new byte[] { 0x02 }, answered.Value.ToArray());
        Assert.Equal(1, harness.Server.EstablishedTls);
        Assert.Equal(1, harness.Log.Count("MalformedResponse"));
    }

    [Theory]
    [InlineData(0xF1)]
    [InlineData(0x05)]
    public async Task Ping_WhenTheServerAnswersWithARequestOpcode_FailsThatPing(byte opcode)
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (connection, request) =>
            connection.SendAsync(FactsWire.Message(request.Id, [(FactsWire.TagOpcode, [opcode]), (FactsWire.TagPayload, request.Payload)]));

        var result = await harness.Client.PingAsync("x"u8.ToArray(), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.Internal, result.Code);
        Assert.Contains($"opcode 0x{opcode:X2} is not a response opcode (0xF0, 0xF2 or 0xFF)", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WhenTheServerAnswersWithAPong_FailsThatRequestWithAClearError()
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (connection, request) => connection.SendAsync(FactsWire.Pong(request.Id, [0x30, 0x00]));

        var result = await harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.Internal, result.Code);
        Assert.Null(result.WireError);
        Assert.Contains("request opcode 0x15 was answered with opcode 0xF2; it is answered with 0xF0 (response) or 0xFF (error)", result.Message, StringComparison.Ordinal);
    }
}
