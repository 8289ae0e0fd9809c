using KeylessGeo.Testing;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Grpc;

using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Grpc;

public sealed class SignStreamWriterTests : IDisposable
{
    private const int Cost = 100;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly ResponseBudget _budget = new(limit: 1_000_000, perConnectionLimit: 100_000, TimeSpan.FromSeconds(5), new ManualClock());
    private readonly ResponseAccount _account;

    public SignStreamWriterTests() => _account = _budget.Open(static (_, _) => { });

    public void Dispose()
    {
        _account.Dispose();
        _budget.Dispose();
    }

    [Fact]
    public async Task Enqueue_WhileAWriteIsHeld_BatchesTheRest_AndFlushesOnlyTheLastOfTheBatch()
    {
        var stream = new HeldStreamWriter();
        var writer = new SignStreamWriter(stream, capacity: 16, _account, CancellationToken.None);

        await writer.EnqueueAsync(Response(1), Cost);
        await stream.WriteStarted.WaitAsync(Guard);
        await writer.EnqueueAsync(Response(2), Cost);
        await writer.EnqueueAsync(Response(3), Cost);
        stream.Release();
        await writer.CompleteAsync().WaitAsync(Guard);

        Assert.Equal([1UL, 2UL, 3UL], stream.Written.Select(w => w.Id));
        Assert.Equal([false, true, false], stream.Written.Select(w => w.Buffered));
    }

    [Fact]
    public async Task Enqueue_BeyondCapacity_WaitsUntilTheWriterCatchesUp()
    {
        var stream = new HeldStreamWriter();
        var writer = new SignStreamWriter(stream, capacity: 2, _account, CancellationToken.None);

        await writer.EnqueueAsync(Response(1), Cost);
        await stream.WriteStarted.WaitAsync(Guard);
        await writer.EnqueueAsync(Response(2), Cost);
        await writer.EnqueueAsync(Response(3), Cost);
        var overCapacity = writer.EnqueueAsync(Response(4), Cost).AsTask();

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
        var writer = new SignStreamWriter(stream, capacity: 16, _account, CancellationToken.None);

        await writer.EnqueueAsync(Response(1), Cost);

        Assert.Same(stream.Failure, await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.EnqueueAsync(Response(2), Cost)));
        Assert.Same(stream.Failure, await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync()));
    }

    [Fact]
    public async Task Reservations_AreReleasedWhenAFlushHasCarriedThem_NotBefore()
    {
        var stream = new HeldStreamWriter();
        var writer = new SignStreamWriter(stream, capacity: 16, _account, CancellationToken.None);
        Reserve(3);

        await writer.EnqueueAsync(Response(1), Cost);
        await stream.WriteStarted.WaitAsync(Guard);
        await writer.EnqueueAsync(Response(2), Cost);
        await writer.EnqueueAsync(Response(3), Cost);

        // The first write (a flush) is held by flow control: nothing has left the stream.
        Assert.Equal(3 * Cost, _budget.QueuedBytes);
        stream.Release();
        await writer.CompleteAsync().WaitAsync(Guard);
        Assert.Equal(0, _budget.QueuedBytes);
        Assert.Equal(0, _account.Bytes);
    }

    [Fact]
    public async Task AfterClose_NothingIsReleasedIntoTheAccount_AndNothingMoreIsWritten()
    {
        var stream = new HeldStreamWriter(inlineRelease: true);
        var writer = new SignStreamWriter(stream, capacity: 16, _account, CancellationToken.None);
        Reserve(2);
        await writer.EnqueueAsync(Response(1), Cost);
        await stream.WriteStarted.WaitAsync(Guard);
        await writer.EnqueueAsync(Response(2), Cost);

        writer.Close();
        _account.Dispose(); // what the handler does next: everything the stream held goes back
        stream.Release(); // the held write completes now, on this thread

        Assert.Equal(0, _budget.QueuedBytes); // not released a second time
        Assert.Equal([1UL], stream.Written.Select(w => w.Id));
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await writer.EnqueueAsync(Response(3), Cost));
    }

    private void Reserve(int responses)
    {
        for (var i = 0; i < responses; i++)
        {
            Assert.Equal(ResponseReservation.Reserved, _account.TryReserve(Cost));
        }
    }

    private static SignResponse Response(ulong id) => new() { Id = id };

    /// <summary>
    /// Holds the first write until released, like HTTP/2 flow control; records each write and its
    /// flags. With <paramref name="inlineRelease"/>, the held write and what follows it run inside
    /// <see cref="Release"/>.
    /// </summary>
    private sealed class HeldStreamWriter(bool inlineRelease = false) : IServerStreamWriter<SignResponse>
    {
        private readonly TaskCompletionSource _release = new(inlineRelease ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
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
                await _release.Task.ConfigureAwait(false);
            }
        }
    }
}
