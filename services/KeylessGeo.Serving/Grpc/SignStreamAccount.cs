using KeylessGeo.Serving.Connections;

namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// One <c>SignStream</c>'s share of the process-wide <see cref="ResponseBudget"/>, and the token
/// that stops the stream when the budget's sweeper finds it holding more than its fair share of a
/// spent budget for the grace period. Dispose it only after the stream's writer is closed
/// (<see cref="SignStreamWriter.Close"/>), so nothing releases bytes into a closed account.
/// </summary>
internal sealed class SignStreamAccount : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private int _overShare;

    /// <param name="budget">The process-wide budget.</param>
    /// <param name="call">The call's own token (client cancellation, deadline).</param>
    public SignStreamAccount(ResponseBudget budget, CancellationToken call)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(call);
        Account = budget.Open(OnOverShare);
    }

    /// <summary>The stream's account in the budget.</summary>
    public ResponseAccount Account { get; }

    /// <summary>Cancelled when the call ends or when the sweeper ends the stream.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Whether the sweeper ended the stream for holding more than its share.</summary>
    public bool OverShare => Volatile.Read(ref _overShare) != 0;

    /// <summary>Bytes the stream held when the sweeper ended it.</summary>
    public long OverShareBytes { get; private set; }

    /// <summary>Its fair share of the budget then.</summary>
    public long FairShare { get; private set; }

    /// <summary>
    /// Reserves <paramref name="cost"/> bytes for a request's response; while the stream's cap or
    /// the whole budget refuses, waits (and the caller reads no further request, so HTTP/2 flow
    /// control holds the client back) until a retry may succeed.
    /// </summary>
    public ValueTask ReserveAsync(int cost, CancellationToken cancellationToken)
    {
        var refusal = Account.TryReserve(cost);
        return refusal == ResponseReservation.Reserved ? ValueTask.CompletedTask : WaitAndReserveAsync(cost, refusal, cancellationToken);
    }

    /// <summary>Leaves the budget, releasing whatever is still reserved.</summary>
    public void Dispose()
    {
        Account.Dispose();
        _stop.Dispose();
    }

    private async ValueTask WaitAndReserveAsync(int cost, ResponseReservation refusal, CancellationToken cancellationToken)
    {
        do
        {
            await Account.WaitForRoomAsync(cost, refusal, cancellationToken).ConfigureAwait(false);
            refusal = Account.TryReserve(cost);
        }
        while (refusal != ResponseReservation.Reserved);
    }

    // Called on the budget's sweeper, which must not block: cancellation callbacks run elsewhere.
    private void OnOverShare(long bytes, long share)
    {
        OverShareBytes = bytes;
        FairShare = share;
        if (Interlocked.Exchange(ref _overShare, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static account => account.CancelQuietly(), this, preferLocal: false);
        }
    }

    private void CancelQuietly()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream ended in the meantime.
        }
    }
}
