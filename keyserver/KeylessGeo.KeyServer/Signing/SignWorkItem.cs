using System.Threading.Tasks.Sources;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Signing;

/// <summary>
/// One admitted sign request: runs on a worker and completes the caller's ValueTask, whose
/// continuations run asynchronously so they never steal the worker thread.
/// </summary>
internal sealed class SignWorkItem : AdmissionWorkItem, IValueTaskSource<SignResponse>
{
    private readonly SigningService _service;
    private ManualResetValueTaskSourceCore<SignResponse> _completion = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private SignResponse? _outcome;

    public SignWorkItem(SigningService service, SignRequest request, IndexedKey key, DateTimeOffset deadline, long startedTimestamp)
        : base(key.Algorithm, deadline)
    {
        _service = service;
        Request = request;
        Key = key;
        StartedTimestamp = startedTimestamp;
    }

    public SignRequest Request { get; }

    public IndexedKey Key { get; }

    public long StartedTimestamp { get; }

    /// <summary>
    /// What the key's source granted for this operation (a token session slot), released once:
    /// after the operation, or when it expires or is cancelled unexecuted. Null for most keys.
    /// </summary>
    public IDisposable? Permit { get; init; }

    public ValueTask<SignResponse> Completion => new(this, _completion.Version);

    /// <summary>Abandons the request if it is still queued when <paramref name="cancellationToken"/> fires.</summary>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((SignWorkItem)state!).Cancel(token), this);
        }
    }

    public void UnregisterCancellation() => _cancellation.Dispose();

    public override void Execute(TimeSpan queueWait)
    {
        _cancellation.Dispose();
        try
        {
            _outcome = _service.Execute(this);
        }
        finally
        {
            Permit?.Dispose();
        }
    }

    public override void Expire(TimeSpan queueWait)
    {
        _cancellation.Dispose();
        Permit?.Dispose();
        _outcome = _service.Expired(this, queueWait);
    }

    public override void Publish()
    {
        if (_outcome is { } outcome)
        {
            _completion.SetResult(outcome);
        }
        else
        {
            _completion.SetException(new InvalidOperationException("The worker produced no outcome for this request."));
        }
    }

    public SignResponse GetResult(short token) => _completion.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _completion.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        if (TryAbandon())
        {
            Permit?.Dispose();
            _completion.SetException(new OperationCanceledException(token));
        }
    }
}
