using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Tests.Admission;

/// <summary>A fake operation that can hold its worker until the test opens the gate.</summary>
internal sealed class GatedWorkItem : AdmissionWorkItem
{
    private static readonly TimeSpan GateLimit = TimeSpan.FromSeconds(30);
    private readonly ManualResetEventSlim? _gate;
    private readonly Action? _whileRunning;
    private readonly WorkCounter? _counter;
    private readonly Action? _onPublish;
    private string? _outcome;
    private Exception? _failure;

    public GatedWorkItem(DateTimeOffset deadline, ManualResetEventSlim? gate = null, Action? whileRunning = null, WorkCounter? counter = null, Action? onPublish = null)
        : base(KeyAlgorithm.EcdsaP256, deadline)
    {
        _gate = gate;
        _whileRunning = whileRunning;
        _counter = counter;
        _onPublish = onPublish;
    }

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<string> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Execute(TimeSpan queueWait)
    {
        Started.TrySetResult();
        if (_gate is not null && !_gate.Wait(GateLimit))
        {
            _failure = new TimeoutException("the test never opened the gate");
            return;
        }

        _whileRunning?.Invoke();
        _counter?.Increment();
        _outcome = "executed";
    }

    public override void Expire(TimeSpan queueWait) => _outcome = "expired";

    public override void Publish()
    {
        _onPublish?.Invoke();
        if (_failure is not null)
        {
            Outcome.TrySetException(_failure);
        }
        else
        {
            Outcome.TrySetResult(_outcome ?? "no outcome");
        }
    }
}
