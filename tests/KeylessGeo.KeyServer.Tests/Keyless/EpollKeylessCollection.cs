namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// The Keyless end-to-end test classes again, on a keyserver with the epoll transport; like
/// <see cref="KeylessCollection"/>, with no other test of the assembly running beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EpollKeylessCollection : ICollectionFixture<EpollKeylessFixture>
{
    public const string Name = "keyless end to end on epoll";
}
