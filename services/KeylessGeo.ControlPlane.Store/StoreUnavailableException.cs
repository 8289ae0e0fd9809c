namespace KeylessGeo.ControlPlane.Store;

/// <summary>
/// A transient store failure (database unreachable, I/O error, lock timeout). Nothing was
/// applied; the caller may retry. Keyservers report it as an internal error, never as
/// "key not found". <see cref="Integrity.StoreIntegrityException"/> is the kind that lasts until an
/// operator repairs the store.
/// </summary>
public class StoreUnavailableException : Exception
{
    public StoreUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
