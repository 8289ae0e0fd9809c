namespace KeylessGeo.EdgeHost.Handshakes;

/// <summary>
/// One connection's right to run its handshake, kept in the connection's features from the
/// connection's arrival until its handshake ends (completed, or failed); ending it twice is harmless.
/// </summary>
internal sealed class HandshakeSlot
{
    private readonly HandshakeGate _gate;
    private readonly long _started;
    private int _finished;

    public HandshakeSlot(HandshakeGate gate, long started)
    {
        _gate = gate;
        _started = started;
    }

    /// <summary>Gives the slot back; the first call counts, later ones do nothing.</summary>
    public void Finish(bool completed)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _gate.Release(completed, _started);
        }
    }
}
