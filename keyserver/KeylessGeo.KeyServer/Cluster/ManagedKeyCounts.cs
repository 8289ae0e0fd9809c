namespace KeylessGeo.KeyServer.Cluster;

/// <summary>How many managed keys of one snapshot are in each state in this datacenter.</summary>
/// <param name="Servable">Permitted here and openable: served.</param>
/// <param name="Denied">Their policy does not permit this datacenter: <c>POLICY_DENIED</c>.</param>
/// <param name="Unavailable">Permitted, but this keyserver cannot open them: <c>INTERNAL</c>.</param>
internal sealed record ManagedKeyCounts(int Servable, int Denied, int Unavailable);
