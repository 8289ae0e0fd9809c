using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Grpc;

namespace KeylessGeo.KeyServer.Tests.Grpc;

public sealed class SignStreamWriterTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Enqueue_WhileAWriteIsHeld_BatchesTheRest_AndFlushesOnlyTheLastOfTheBatch()
    {
        var stream = new HeldStreamWriter();
        var writer = new SignStreamWriter(stream, capacity: 16, CancellationToken.None);

        await writer.EnqueueAsync(Response(1));
        await stream.WriteStarted.WaitAsync(Guard);
        await writer.EnqueueAsync(Response(2));
        await writer.EnqueueAsync(Response(3));
        stream.Release();
        await writer.CompleteAsync().WaitAsync(Guard);

        Assert.Equal([1UL, 2UL, 3UL], stream.Written.Select(w => w.Id));
        Assert.Equal([false, true, false], stream.Written.Select(w => w.Buffered));
    }

    [Fact]
    public async Task Enqueue_BeyondCapacity_WaitsUntilTheWriterCatchesUp()
    {
        var stream = new HeldStreamWriter();
        var writer = new SignStreamWriter(stream, capacity: 2, CancellationToken.None);

        await writer.EnqueueAsync(Response(1));
        await stream.WriteStarted.WaitAsync(Guard);
        await writer.EnqueueAsync(Response(2));
        await writer.EnqueueAsync(Response(3));
        var overCapacity = writer.EnqueueAsync(Response(4)).AsTask();

        Assert.False(overCapacity.IsCompleted);
        stream.Release();
        await overCapacity.WaitAsync(Guard);
        await writer.CompleteAsync().WaitAsync(Guard);
        Assert.Equal([1UL, 2UL, 3UL, 4UL], stream.Written.Select(w => w.Id));
    }

    [Fact]
    public async Task AfterAWriteFails_EnqueueAndCompleteRethrowTheFailure()
    {
        var stream = new HeldStreamWriter { Failure = new InvalidOperationException("Can't write the message because the request is complete.") };
        var writer = new SignStreamWriter(stream, capacity: 16, CancellationToken.None);

        await writer.EnqueueAsync(Response(1));

        Assert.Same(stream.Failure, await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.EnqueueAsync(Response(2))));
        Assert.Same(stream.Failure, await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync()));
    }

    private static SignResponse Response(ulong id) => new() { Id = id };

    /// <summary>Holds the first write until released, like HTTP/2 flow control; records each write and its flags.</summary>
    private sealed class HeldStreamWriter : IServerStreamWriter<SignResponse>
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public WriteOptions? WriteOptions { get; set; }

        public Exception? Failure { get; init; }

        public List<(ulong Id, bool Buffered)> Written { get; } = [];

        public Task WriteStarted => _started.Task;

        public void Release() => _release.TrySetResult();

        public async Task WriteAsync(SignResponse message)
        {
            if (Failure is not null)
            {
                throw Failure;
            }

            Written.Add((message.Id, (WriteOptions?.Flags & WriteFlags.BufferHint) == WriteFlags.BufferHint));
            if (_started.TrySetResult())
            {
                await _release.Task;
            }
        }
    }
}
