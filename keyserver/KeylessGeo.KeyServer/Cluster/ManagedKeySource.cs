using System.Security.Cryptography;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.Placement;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Opens one managed key on first use: this datacenter's copy of the policy key is unwrapped
/// with the datacenter wrapping key (context: policy, generation, datacenter), the private key
/// with the policy key (context: key, policy, generation, version); the PKCS#8 is imported into
/// an OpenSSL-backed key and checked against the indexed public key. The policy key is disposed
/// (zeroed) and the PKCS#8 buffer (pinned) zeroed before this returns, on every path.
/// </summary>
internal sealed class ManagedKeySource : IPrivateKeySource
{
    private readonly LocalWrappingKey _wrappingKey;
    private readonly string _datacenter;
    private int _retired;
    private string? _failure;

    public ManagedKeySource(ManagedKeyFacts facts, LocalWrappingKey wrappingKey, string datacenter)
    {
        Facts = facts;
        _wrappingKey = wrappingKey;
        _datacenter = datacenter;
    }

    public ManagedKeyFacts Facts { get; }

    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    public void Retire() => Interlocked.Exchange(ref _retired, 1);

    public PrivateKey Load(IndexedKey key)
    {
        var record = Facts.Record;
        if (Facts.Status != ManagedKeyStatus.Servable || Facts.Copy is not { } copy)
        {
            throw new ManagedKeyException($"managed key '{record.KeyId}' is not servable in datacenter '{_datacenter}'");
        }

        // The blobs of this entry never change, so a failure to open them is final for it: say
        // so once in the log, and answer later requests without unwrapping again.
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new ManagedKeyException(failure) { AlreadyReported = true };
        }

        try
        {
            using var policyKey = PolicyKeyWrapping.Unwrap(
                copy.Blob, _wrappingKey.Key, new PolicyKeyContext(record.PolicyId, Facts.PolicyKeyGeneration, _datacenter));
            var pkcs8 = PrivateKeyWrapping.Unwrap(
                record.WrappedPrivateKey, policyKey, new KeyWrapContext(record.KeyId, record.PolicyId, record.PolicyKeyGeneration, record.Version));
            try
            {
                return PrivateKeyLoader.LoadPkcs8(key, pkcs8);
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
                $"cannot be opened in datacenter '{_datacenter}' with wrapping key {_wrappingKey.Fingerprint} ({_wrappingKey.Path}): {e.Message}";
            Volatile.Write(ref _failure, message);
            throw new ManagedKeyException(message, e);
        }
    }
}
