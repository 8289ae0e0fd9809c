namespace KeylessGeo.KeyServer.Keys;

/// <summary>The indexed key directory.</summary>
public interface IKeyStore
{
    /// <summary>How many keys the current index serves.</summary>
    public int IndexedKeyCount { get; }

    /// <summary>How many private keys are loaded right now.</summary>
    public int LoadedPrivateKeyCount { get; }

    /// <summary>
    /// Re-reads the key directory's public information and swaps the index atomically; loaded
    /// private keys of key files are dropped and loaded again on next use (managed keys are
    /// unaffected). Returns the number of keys indexed, managed keys included.
    /// </summary>
    public int Reload();
}
