using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Framing;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Tests.Framing;

public sealed class GrpcFrameTests
{
    [Fact]
    public void Write_ThenRead_RoundTripsTheMessage()
    {
        var message = new SignRequest { Id = 42, Payload = ByteString.CopyFromUtf8("digest") };
        var buffer = new ArrayBufferWriter<byte>();
        var size = GrpcFrame.Write(buffer, message, 1024);

        Assert.Equal(GrpcFrame.HeaderSize + size, buffer.WrittenCount);
        Assert.Equal(0, buffer.WrittenSpan[0]);
        var sequence = new ReadOnlySequence<byte>(buffer.WrittenMemory);
        Assert.Equal(FrameReadResult.Message, GrpcFrame.TryRead(sequence, 1024, out var compressed, out var length, out var payload, out var consumed));
        Assert.False(compressed);
        Assert.Equal((uint)size, length);
        Assert.Equal(sequence.End, consumed);
        Assert.Equal(message, SignRequest.Parser.ParseFrom(payload));
    }

    [Fact]
    public void TryRead_WhenSplitAcrossSegments_ReadsTheMessage()
    {
        var message = new SignRequest { Id = 7, Payload = ByteString.CopyFrom(new byte[100]) };
        var buffer = new ArrayBufferWriter<byte>();
        GrpcFrame.Write(buffer, message, 1024);
        var bytes = buffer.WrittenSpan.ToArray();

        // One segment per byte: the prefix and the payload are split everywhere.
        var sequence = Segments.Create(bytes, 1);
        Assert.Equal(FrameReadResult.Message, GrpcFrame.TryRead(sequence, 1024, out _, out _, out var payload, out _));
        Assert.Equal(message, SignRequest.Parser.ParseFrom(payload));
    }

    [Fact]
    public void TryRead_WhenIncomplete_NeedsMoreData()
    {
        var buffer = new ArrayBufferWriter<byte>();
        GrpcFrame.WriteRaw(buffer, new byte[10]);
        for (var cut = 0; cut < buffer.WrittenCount; cut++)
        {
            var partial = new ReadOnlySequence<byte>(buffer.WrittenMemory[..cut]);
            Assert.Equal(FrameReadResult.NeedMoreData, GrpcFrame.TryRead(partial, 1024, out _, out _, out _, out _));
        }
    }

    [Fact]
    public void TryRead_ZeroLengthMessage_IsAnEmptyMessage()
    {
        var sequence = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 0, 0 });
        Assert.Equal(FrameReadResult.Message, GrpcFrame.TryRead(sequence, 1024, out _, out var length, out var payload, out _));
        Assert.Equal(0u, length);
        Assert.True(payload.IsEmpty);
        Assert.Equal(new SignRequest(), SignRequest.Parser.ParseFrom(payload));
    }

    [Fact]
    public void TryRead_CompressedFlag_IsReported()
    {
        var sequence = new ReadOnlySequence<byte>(new byte[] { 1, 0, 0, 0, 1, 8 });
        Assert.Equal(FrameReadResult.Message, GrpcFrame.TryRead(sequence, 1024, out var compressed, out _, out _, out _));
        Assert.True(compressed);
    }

    [Fact]
    public void TryRead_WhenLengthExceedsLimit_IsTooLargeBeforeThePayloadArrives()
    {
        var sequence = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0x10, 0, 1 });
        Assert.Equal(FrameReadResult.TooLarge, GrpcFrame.TryRead(sequence, 1024, out _, out var length, out _, out _));
        Assert.Equal(0x100001u, length);
    }

    [Fact]
    public void Write_WhenMessageExceedsLimit_ThrowsResourceExhausted()
    {
        var message = new SignRequest { Payload = ByteString.CopyFrom(new byte[100]) };
        var error = Assert.Throws<RpcException>(() => GrpcFrame.Write(new ArrayBufferWriter<byte>(), message, 50));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task MessageReader_ReadsMessagesWrittenInPieces_ThenEnds()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var pipe = new Pipe();
        var reader = new GrpcMessageReader(pipe.Reader, 1024);
        var buffer = new ArrayBufferWriter<byte>();
        GrpcFrame.Write(buffer, new SignRequest { Id = 1 }, 1024);
        GrpcFrame.WriteRaw(buffer, []);
        GrpcFrame.Write(buffer, new SignRequest { Id = 3 }, 1024);
        var bytes = buffer.WrittenMemory;

        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < bytes.Length; i += 3)
            {
                await pipe.Writer.WriteAsync(bytes[i..Math.Min(i + 3, bytes.Length)], timeout.Token);
            }

            await pipe.Writer.CompleteAsync();
        });

        var ids = new List<ulong>();
        while (await reader.ReadNextAsync(timeout.Token))
        {
            ids.Add(SignRequest.Parser.ParseFrom(reader.Payload).Id);
            reader.Consume();
        }

        await writer;
        Assert.Equal([1UL, 0UL, 3UL], ids);
    }

    [Fact]
    public async Task MessageReader_WhenStreamEndsMidMessage_ThrowsInternal()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 0, 9, 1, 2 }, timeout.Token);
        await pipe.Writer.CompleteAsync();
        var reader = new GrpcMessageReader(pipe.Reader, 1024);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadNextAsync(timeout.Token));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task MessageReader_CompressedMessage_ThrowsInternal()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 1, 0, 0, 0, 0 }, timeout.Token);
        var reader = new GrpcMessageReader(pipe.Reader, 1024);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadNextAsync(timeout.Token));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }
}
