using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Placement;

/// <summary>
/// A policy's current key, opened from its control-plane copy on first use and zeroed on
/// <see cref="Dispose"/>; lets an operation skip the unwrap when it makes no new copy.
/// </summary>
internal sealed class PolicyKeyHandle : IDisposable
{
    private readonly ControlPlaneKeyring _keyring;
    private readonly PolicyRecord _policy;
    private PolicyKey? _key;

    public PolicyKeyHandle(ControlPlaneKeyring keyring, PolicyRecord policy)
    {
        _keyring = keyring;
        _policy = policy;
    }

    /// <summary>The policy key (opened now if it was not yet).</summary>
    public PolicyKey Key => _key ??= _keyring.OpenPolicyKey(_policy);

    public void Dispose() => _key?.Dispose();
}
