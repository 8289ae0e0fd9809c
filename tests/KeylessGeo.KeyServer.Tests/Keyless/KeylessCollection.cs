namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>Keyless end-to-end test classes sharing one keyserver; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class KeylessCollection : ICollectionFixture<KeylessFixture>
{
    public const string Name = "keyless end to end";
}
