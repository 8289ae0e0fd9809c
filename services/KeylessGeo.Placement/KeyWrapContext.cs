namespace KeylessGeo.Placement;

/// <summary>
/// What one wrapped private key is bound to: the key id, the policy governing it, the policy
/// key generation it is wrapped under and the key version (its rotation counter). Wrapping and
/// unwrapping must use the same context, or unwrapping fails authentication.
/// </summary>
/// <param name="KeyId">The key id. Non-empty.</param>
/// <param name="PolicyId">The policy id governing the key. Non-empty.</param>
/// <param name="PolicyKeyGeneration">The generation of the policy key the blob is wrapped under. Non-negative.</param>
/// <param name="KeyVersion">The key's rotation counter. Non-negative.</param>
public sealed record KeyWrapContext(string KeyId, string PolicyId, int PolicyKeyGeneration, int KeyVersion)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"key '{KeyId}' version {KeyVersion} (policy '{PolicyId}', policy key generation {PolicyKeyGeneration})";
}
