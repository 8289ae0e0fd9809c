namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// What every managed key of this keyserver opens with: the datacenter's wrapping key, the
/// datacenter id in the unwrapping contexts, and where wrapped keys are fetched from. One instance
/// shared by every <see cref="ManagedKeySource"/>, rather than three references per key.
/// </summary>
/// <param name="WrappingKey">This datacenter's wrapping key.</param>
/// <param name="Datacenter">This keyserver's datacenter.</param>
/// <param name="Blobs">The fetched wrapped keys.</param>
internal sealed record ManagedKeyOpener(LocalWrappingKey WrappingKey, string Datacenter, ManagedKeyBlobs Blobs);
