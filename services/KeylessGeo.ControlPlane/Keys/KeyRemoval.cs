namespace KeylessGeo.ControlPlane.Keys;

/// <summary>The outcome of removing a key.</summary>
/// <param name="Revision">The revision the removal was committed at.</param>
/// <param name="KeyId">The removed key.</param>
/// <param name="PolicyId">The policy it was under.</param>
/// <param name="Version">Its last version.</param>
public sealed record KeyRemoval(long Revision, string KeyId, string PolicyId, int Version);
