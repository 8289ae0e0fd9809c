namespace KeylessGeo.KeyServer.Keys;

/// <summary>A reference to a loaded private key held for the duration of one operation.</summary>
internal readonly struct PrivateKeyLease : IDisposable
{
    public PrivateKeyLease(PrivateKey key) => Key = key;

    public PrivateKey Key { get; }

    public void Dispose() => Key?.Release();
}
