using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Placement;

/// <summary>Wrapping and re-wrapping private-key blobs; the plaintext exists only inside the placement library's pinned, zeroed buffers.</summary>
internal static class KeyBlobs
{
    /// <summary>The context a stored key's blob is bound to.</summary>
    public static KeyWrapContext ContextOf(ManagedKeyRecord key) => new(key.KeyId, key.PolicyId, key.PolicyKeyGeneration, key.Version);

    /// <summary>Re-wraps <paramref name="key"/>'s blob from <paramref name="oldKey"/> to <paramref name="newKey"/> under <paramref name="policyId"/> / <paramref name="generation"/>.</summary>
    public static byte[] Rewrap(ManagedKeyRecord key, PolicyKey oldKey, PolicyKey newKey, string policyId, int generation)
    {
        try
        {
            return PrivateKeyWrapping.Rewrap(key.WrappedPrivateKey, oldKey, ContextOf(key), newKey, new KeyWrapContext(key.KeyId, policyId, generation, key.Version));
        }
        catch (PlacementException ex)
        {
            // Only a store edited behind the control plane's back gets here; the message names no key bytes.
            throw new ControlPlaneException(ErrorKind.Internal, ErrorCodes.ControlPlaneKeyMismatch,
                $"the stored blob of key '{key.KeyId}' (version {key.Version}) does not open under policy '{key.PolicyId}' generation {key.PolicyKeyGeneration} ({ex.GetType().Name}); nothing was applied");
        }
    }
}
