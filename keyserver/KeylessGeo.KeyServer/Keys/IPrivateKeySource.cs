namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Where the private half of a key that is not a key file comes from (a control-plane managed
/// key, unwrapped on first use). Holds no plaintext key material itself.
/// </summary>
internal interface IPrivateKeySource
{
    /// <summary>
    /// True once the index that held this key was replaced by one without it (the key was
    /// denied, removed or changed): the cache keeps nothing loaded for a retired key, and a
    /// request that looked it up before the change looks its key up again.
    /// </summary>
    public bool IsRetired { get; }

    /// <summary>Marks the key retired (with a full fence, before the cache is swept).</summary>
    public void Retire();

    /// <summary>Loads the private key into an OpenSSL-backed key (or a device key) that matches <paramref name="key"/>'s public key.</summary>
    public PrivateKey Load(IndexedKey key);

    /// <summary>
    /// Waits, without blocking a thread, until the key can take one more operation: a hardware
    /// token has a bounded number of sessions. The permit returned is disposed once the operation
    /// is over or will never run. Keys without such a bound complete at once with no permit.
    /// Throws <see cref="TimeoutException"/> when <paramref name="timeout"/> passes first.
    /// </summary>
    public ValueTask<IDisposable?> WaitForCapacityAsync(TimeSpan timeout, CancellationToken cancellationToken) => default;

    /// <summary>
    /// Gets what <see cref="Load"/> needs from elsewhere, asynchronously, before the operation is
    /// queued for a worker (a managed key's wrapped private key, fetched from the control-plane
    /// store on first use): so no worker waits for I/O. Completes at once when there is nothing to
    /// get. Throws <see cref="Cluster.ManagedKeyFetchException"/> with the code to answer when it
    /// cannot be had; <see cref="TimeoutException"/> when <paramref name="timeout"/> passes first.
    /// </summary>
    public ValueTask PrepareAsync(TimeSpan timeout, CancellationToken cancellationToken) => default;

    /// <summary>The private key cache dropped this key's loaded private key: what <see cref="PrepareAsync"/> got may go too.</summary>
    public void Unloaded()
    {
    }
}
