namespace KeylessGeo.Placement;

/// <summary>
/// What one wrapped copy of a policy key is bound to: the policy, the policy key's generation
/// and the datacenter the copy is for. Wrapping and unwrapping must use the same context, or
/// unwrapping fails authentication; that is what stops a copy from being replayed as another
/// datacenter's copy or as another generation.
/// </summary>
/// <param name="PolicyId">The policy id, e.g. <c>eu-only</c>. Non-empty.</param>
/// <param name="Generation">The policy key generation, incremented on rotation. Non-negative.</param>
/// <param name="DatacenterId">The datacenter this copy is wrapped for, e.g. <c>fra1</c>. Non-empty.</param>
public sealed record PolicyKeyContext(string PolicyId, int Generation, string DatacenterId)
{
    /// <inheritdoc />
    public override string ToString() => $"policy '{PolicyId}' generation {Generation} for datacenter '{DatacenterId}'";
}
