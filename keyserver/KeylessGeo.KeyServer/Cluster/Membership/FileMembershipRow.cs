namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>One silo's row in a <see cref="FileMembershipDocument"/>.</summary>
/// <param name="Etag">The row's etag, new whenever the row is inserted or updated (not on I-am-alive).</param>
/// <param name="Entry">The silo's membership entry.</param>
internal sealed record FileMembershipRow(string Etag, MembershipEntryDocument Entry);
