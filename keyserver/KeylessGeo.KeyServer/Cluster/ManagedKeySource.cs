using System.Security.Cryptography;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.Placement;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Opens one managed key on first use. Its wrapped private key is not in the index: before the
/// first operation (<see cref="PrepareAsync"/>) it is taken from <see cref="ManagedKeyBlobs"/>
/// (cached, or fetched from the control-plane store) and held until the private key cache drops
/// the loaded key (<see cref="Unloaded"/>). Then this datacenter's copy of the policy key is unwrapped
/// with the datacenter wrapping key (context: policy, generation, datacenter), the private key
/// with the policy key (context: key, policy, generation, version); the PKCS#8 is imported into
/// an OpenSSL-backed key and checked against the indexed public key. The policy key is disposed
/// (zeroed) and the PKCS#8 buffer (pinned) zeroed before this returns, on every path.
/// </summary>
internal sealed class ManagedKeySource : IPrivateKeySource
{
    private readonly ManagedKeyOpener _opener;
    private int _retired;
    private string? _failure;
    private FetchedKey? _wrapped;

    public ManagedKeySource(ManagedKeyFacts facts, ManagedKeyOpener opener)
    {
        Facts = facts;
        _opener = opener;
    }

    public ManagedKeyFacts Facts { get; }

    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    public void Retire() => Interlocked.Exchange(ref _retired, 1);

    /// <summary>True while this key's wrapped private key is held (fetched and not yet dropped).</summary>
    public bool HoldsWrappedKey => Volatile.Read(ref _wrapped) is not null;

    public ValueTask PrepareAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Refused keys answer their refusal without a fetch; a held blob needs nothing more.
        if (Facts.Status != ManagedKeyStatus.Servable || Volatile.Read(ref _wrapped) is not null)
        {
            return default;
        }

        var blob = _opener.Blobs.GetAsync(Facts, cancellationToken);
        if (blob.IsCompletedSuccessfully)
        {
            Volatile.Write(ref _wrapped, blob.Result);
            return default;
        }

        return HoldWhenFetchedAsync(blob.AsTask(), timeout, cancellationToken);
    }

    public void Unloaded() => Volatile.Write(ref _wrapped, null);

    public PrivateKey Load(IndexedKey key)
    {
        var record = Facts.Record;
        if (Facts.Status != ManagedKeyStatus.Servable || Facts.Copy is not { } copy)
        {
            throw new ManagedKeyException($"managed key '{record.KeyId}' is not servable in datacenter '{_opener.Datacenter}'");
        }

        // The blobs of this entry never change, so a failure to open them is final for it: say
        // so once in the log, and answer later requests without unwrapping again.
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new ManagedKeyException(failure) { AlreadyReported = true };
        }

        // Prepared before the operation was queued; the cache is the fallback for a blob dropped
        // in between (the loaded key evicted meanwhile).
        var fetched = Volatile.Read(ref _wrapped) ?? _opener.Blobs.TryGetCached(Facts)
            ?? throw new ManagedKeyFetchException(
                Contracts.V1.ErrorCode.Unavailable, $"key '{record.KeyId}' is being fetched from the control-plane store again; try again");
        try
        {
            using var policyKey = PolicyKeyWrapping.Unwrap(
                copy.Blob, _opener.WrappingKey.Key, new PolicyKeyContext(record.PolicyId, Facts.PolicyKeyGeneration, _opener.Datacenter));
            var pkcs8 = PrivateKeyWrapping.Unwrap(
                fetched.WrappedPrivateKey, policyKey, new KeyWrapContext(record.KeyId, record.PolicyId, record.PolicyKeyGeneration, record.Version));
            try
            {
                // The index does not hold the public key: check against the one fetched with the
                // wrapped key (the version and digests the index decided, see FetchedKey.Matches).
                return PrivateKeyLoader.LoadPkcs8(key with { SubjectPublicKeyInfo = fetched.SubjectPublicKeyInfo }, pkcs8);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }
        catch (Exception e) when (e is PlacementException or KeyFileException or ArgumentException)
        {
            var message =
                $"managed key '{record.KeyId}' version {record.Version} (policy '{record.PolicyId}' key generation {Facts.PolicyKeyGeneration}) " +
                $"cannot be opened in datacenter '{_opener.Datacenter}' with wrapping key {_opener.WrappingKey.Fingerprint} ({_opener.WrappingKey.Path}): {e.Message}";
            Volatile.Write(ref _failure, message);
            throw new ManagedKeyException(message, e);
        }
    }

    private async ValueTask HoldWhenFetchedAsync(Task<FetchedKey> fetch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new TimeoutException($"the deadline passed before key '{Facts.Record.KeyId}' was fetched from the control-plane store");
        }

        var blob = await fetch.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _wrapped, blob);
    }
}
