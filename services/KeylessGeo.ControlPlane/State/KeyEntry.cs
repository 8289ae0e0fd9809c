namespace KeylessGeo.ControlPlane.State;

/// <summary>
/// What the control plane keeps in memory of one managed key: enough to find it, check a new key
/// pair against it and list a policy's keys. The certificate and the wrapped blob stay in the store
/// and are read by id when an operation needs them.
/// </summary>
/// <param name="PolicyId">The policy that governs the key.</param>
/// <param name="Ski">The key's SKI (20 bytes).</param>
/// <param name="ChangedAt">The revision that last wrote the key, or 0 when the retained change feed did not reach back to it.</param>
internal readonly record struct KeyEntry(string PolicyId, byte[] Ski, long ChangedAt);
