namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>End-to-end test classes sharing one keyserver; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "end to end";
}
