namespace KeylessGeo.ControlPlane.Policies;

/// <summary>The outcome of deleting a policy.</summary>
/// <param name="Revision">The revision the deletion was committed at.</param>
/// <param name="PolicyId">The deleted policy.</param>
/// <param name="Version">Its last version.</param>
public sealed record PolicyDeletion(long Revision, string PolicyId, long Version);
