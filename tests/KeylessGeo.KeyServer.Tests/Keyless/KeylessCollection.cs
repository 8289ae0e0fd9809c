namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// Keyless end-to-end test classes sharing one keyserver; they run one after another, and with
/// no other test of the assembly running beside them: the fuzz test bounds the growth of the
/// process's managed heap, which tests running in parallel (a cluster of in-process keyservers,
/// 100,000 managed keys) would otherwise inflate.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KeylessCollection : ICollectionFixture<KeylessFixture>
{
    public const string Name = "keyless end to end";
}
