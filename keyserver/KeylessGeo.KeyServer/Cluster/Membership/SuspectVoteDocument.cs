namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>One vote that a silo is dead, as stored in a <see cref="MembershipEntryDocument"/>.</summary>
/// <param name="Suspector">The voting silo's address in Orleans's parsable form.</param>
/// <param name="Time">When it voted (UTC).</param>
internal sealed record SuspectVoteDocument(string Suspector, DateTime Time);
