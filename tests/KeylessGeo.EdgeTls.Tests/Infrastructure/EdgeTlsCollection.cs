namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// The edge TLS suites run one after another on one shared stack: each starts real processes, and
/// the machine has two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EdgeTlsCollection : ICollectionFixture<EdgeTlsFixture>
{
    public const string Name = "edge-tls";
}
