namespace KeylessGeo.ControlPlane.Store.Tests.Postgres;

/// <summary>The test classes sharing the run's PostgreSQL cluster.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL cluster";
}
