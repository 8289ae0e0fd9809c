namespace KeylessGeo.KeyServer.Tests.Infrastructure;

/// <summary>Test classes sharing the openssl-generated keys.</summary>
[CollectionDefinition(Name)]
public sealed class TestKeysCollection : ICollectionFixture<TestKeys>
{
    public const string Name = "test keys";
}
