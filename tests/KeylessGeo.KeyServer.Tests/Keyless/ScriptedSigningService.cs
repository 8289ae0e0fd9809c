using System.Threading.Channels;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Serving.Signing;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// A signing core the test drives: each call is reported on <see cref="Calls"/> and answered
/// at once by <see cref="Immediate"/> if it returns a response, or else when the test completes
/// the call. Waits for capacity are reported on <see cref="CapacityWaits"/> and end when the
/// test completes them, unless <see cref="CapacityFree"/> says a worker is free already.
/// </summary>
internal sealed class ScriptedSigningService : ISigningService
{
    private int _pending;
    private int _maxPending;

    public Channel<PendingCall> Calls { get; } = Channel.CreateUnbounded<PendingCall>();

    public Channel<TaskCompletionSource> CapacityWaits { get; } = Channel.CreateUnbounded<TaskCompletionSource>();

    public Func<SignRequest, SignResponse?> Immediate { get; init; } = _ => null;

    /// <summary>True when a wait for capacity should find it free already (a completed task, as the real core returns).</summary>
    public Func<bool> CapacityFree { get; init; } = () => false;

    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>The most calls that were waiting for the test at once.</summary>
    public int MaxPending => Volatile.Read(ref _maxPending);

    private int _callCount;

    public ValueTask<SignResponse> SignAsync(SignRequest request, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _callCount);
        if (Immediate(request) is { } response)
        {
            Calls.Writer.TryWrite(new PendingCall(request, null, cancellationToken));
            return ValueTask.FromResult(response);
        }

        var pending = Interlocked.Increment(ref _pending);
        InterlockedMax(ref _maxPending, pending);
        var completion = new TaskCompletionSource<SignResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        Calls.Writer.TryWrite(new PendingCall(request, completion, cancellationToken));
        return new ValueTask<SignResponse>(Complete(completion.Task, cancellationToken));
    }

    public Task WhenCapacityFreesAsync(CancellationToken cancellationToken)
    {
        if (CapacityFree())
        {
            return Task.CompletedTask;
        }

        var wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CapacityWaits.Writer.TryWrite(wait);
        return wait.Task.WaitAsync(cancellationToken);
    }

    public Contracts.V1.Capacity GetCapacity() => new();

    public static SignResponse Success(SignRequest request) => new() { Id = request.Id, Result = Google.Protobuf.ByteString.CopyFrom([0x5A, (byte)request.Id]) };

    public static SignResponse Failure(SignRequest request, ErrorCode code) =>
        new() { Id = request.Id, Error = new SignError { Code = code, Message = code.ToString() } };

    private async Task<SignResponse> Complete(Task<SignResponse> completion, CancellationToken cancellationToken)
    {
        try
        {
            return await completion.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }

    /// <summary>One call; <see cref="Completion"/> is null when it was answered at once.</summary>
    internal sealed record PendingCall(SignRequest Request, TaskCompletionSource<SignResponse>? Completion, CancellationToken CancellationToken);
}
