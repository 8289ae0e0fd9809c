using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Placement;

/// <summary>
/// The control plane's own wrapping key pair and the policy-key operations built on it. Every
/// policy key is also wrapped to this key (<see cref="PolicyRecord.ControlPlaneCopy"/>, datacenter
/// id <see cref="DatacenterId"/>), so the control plane can wrap newly imported keys and re-wrap
/// the policy key when a permitted set grows, without any keyserver's help. Policy keys exist in
/// the clear only in memory, for the duration of one operation, and are disposed (zeroed).
/// </summary>
public sealed class ControlPlaneKeyring : IDisposable
{
    /// <summary>The datacenter id the control-plane copy is bound to.</summary>
    public const string DatacenterId = "control-plane";

    private readonly DatacenterWrappingKey _key;

    /// <summary>Takes ownership of <paramref name="key"/>.</summary>
    public ControlPlaneKeyring(DatacenterWrappingKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
    }

    /// <summary>The public half's fingerprint (lowercase hex), as recorded on every control-plane copy.</summary>
    public string Fingerprint => _key.Fingerprint;

    /// <summary>The public half.</summary>
    public DatacenterPublicKey PublicKey => _key.Public;

    /// <summary>
    /// Loads the key pair from <paramref name="path"/>, or creates it there (mode 0600); refuses
    /// a file readable by group or others (<see cref="WrappingKeyFileException"/>).
    /// </summary>
    public static ControlPlaneKeyring LoadOrCreate(string path, out bool created) =>
        new(DatacenterWrappingKey.LoadOrCreate(path, out created));

    /// <summary>Wraps <paramref name="key"/> (generation <paramref name="generation"/> of <paramref name="policyId"/>) to the control plane.</summary>
    public WrappedPolicyKey WrapForControlPlane(PolicyKey key, string policyId, int generation) => new()
    {
        DatacenterId = DatacenterId,
        WrappingKeyFingerprint = _key.Fingerprint,
        Blob = PolicyKeyWrapping.WrapFor(key, _key.Public, new PolicyKeyContext(policyId, generation, DatacenterId)),
    };

    /// <summary>Wraps <paramref name="key"/> to the registered wrapping key of one datacenter.</summary>
    public static WrappedPolicyKey WrapForDatacenter(PolicyKey key, string policyId, int generation, WrappingKeyRecord datacenter)
    {
        ArgumentNullException.ThrowIfNull(datacenter);
        var publicKey = DatacenterPublicKey.Parse(datacenter.PublicKey);
        return new WrappedPolicyKey
        {
            DatacenterId = datacenter.DatacenterId,
            WrappingKeyFingerprint = publicKey.Fingerprint,
            Blob = PolicyKeyWrapping.WrapFor(key, publicKey, new PolicyKeyContext(policyId, generation, datacenter.DatacenterId)),
        };
    }

    /// <summary>
    /// Opens the current policy key of <paramref name="policy"/> from its control-plane copy. The
    /// caller disposes it. Fails with a 500 <see cref="ControlPlaneException"/> when the copy was
    /// made for another control-plane key (the key file was replaced) or does not authenticate.
    /// </summary>
    public PolicyKey OpenPolicyKey(PolicyRecord policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var copy = policy.ControlPlaneCopy;
        if (!string.Equals(copy.WrappingKeyFingerprint, _key.Fingerprint, StringComparison.Ordinal))
        {
            throw Mismatch(policy, $"its control-plane copy was made for wrapping key {copy.WrappingKeyFingerprint}, but this control plane's key is {_key.Fingerprint}");
        }

        try
        {
            return PolicyKeyWrapping.Unwrap(copy.Blob, _key, new PolicyKeyContext(policy.Id, policy.KeyGeneration, DatacenterId));
        }
        catch (PlacementException ex)
        {
            throw Mismatch(policy, $"its control-plane copy does not open with wrapping key {_key.Fingerprint} ({ex.GetType().Name})");
        }
    }

    /// <summary>Releases the key pair.</summary>
    public void Dispose() => _key.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"control-plane wrapping key {Fingerprint}";

    private static ControlPlaneException Mismatch(PolicyRecord policy, string why) =>
        new(ErrorKind.Internal, ErrorCodes.ControlPlaneKeyMismatch,
            $"cannot open the key of policy '{policy.Id}' (generation {policy.KeyGeneration}): {why}. Restore the control plane's wrapping key file; nothing was applied");
}
