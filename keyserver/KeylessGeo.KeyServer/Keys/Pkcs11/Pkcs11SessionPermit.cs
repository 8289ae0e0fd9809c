namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>The right to use one of a token's sessions for one operation; released exactly once.</summary>
internal sealed class Pkcs11SessionPermit : IDisposable
{
    private SemaphoreSlim? _permits;

    public Pkcs11SessionPermit(SemaphoreSlim permits) => _permits = permits;

    public void Dispose() => Interlocked.Exchange(ref _permits, null)?.Release();
}
