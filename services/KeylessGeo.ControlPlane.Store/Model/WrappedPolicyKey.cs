namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>A policy key wrapped to one permitted datacenter's wrapping key.</summary>
public sealed record WrappedPolicyKey
{
    /// <summary>The <see cref="DatacenterId"/> of a policy's copy for the control plane itself.</summary>
    public const string ControlPlaneDatacenterId = "control-plane";

    public required string DatacenterId { get; init; }

    /// <summary>Fingerprint of the wrapping key this copy was made for.</summary>
    public required string WrappingKeyFingerprint { get; init; }

    /// <summary>The placement library's wrapped policy-key blob.</summary>
    public required byte[] Blob { get; init; }
}
