using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Cluster.Membership;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>Each membership setting mistake is reported by key, and connection strings are never echoed.</summary>
public sealed class MembershipOptionsValidatorTests
{
    private static readonly ControlPlaneStoreOptions EmbeddedStore = new() { Kind = ControlPlaneStoreOptions.EmbeddedKind, DataDirectory = "/var/lib/keylessgeo" };
    private static readonly ControlPlaneStoreOptions PostgresStore = new() { Kind = ControlPlaneStoreOptions.PostgresKind, ConnectionString = "Host=db;Database=kg;Username=kg;Password=s3cret" };

    [Fact]
    public void Defaults_WithAnEmbeddedStore_AreValid_AndUseTheMembershipFolderOfItsDataDirectory()
    {
        var options = new MembershipOptions();

        Assert.Empty(MembershipOptionsValidator.Problems(options, EmbeddedStore));
        Assert.Equal("/var/lib/keylessgeo/membership", options.ResolveDirectory(EmbeddedStore));
    }

    [Fact]
    public void Embedded_WithoutADirectory_AndAPostgresStore_NamesTheDirectoryKey()
    {
        var problem = Assert.Single(MembershipOptionsValidator.Problems(new MembershipOptions(), PostgresStore));

        Assert.StartsWith("Cluster:Membership:Directory is required", problem);
        Assert.Contains("'postgresql'", problem);
    }

    [Fact]
    public void Postgres_WithoutAConnectionString_BorrowsTheStoresOne()
    {
        var options = new MembershipOptions { Kind = "PostgreSQL" };

        Assert.Empty(MembershipOptionsValidator.Problems(options, PostgresStore));
        Assert.Equal(PostgresStore.ConnectionString, options.ResolvePostgresConnectionString(PostgresStore));
    }

    [Fact]
    public void Postgres_WithAnEmbeddedStoreAndNoConnectionString_IsRefused()
    {
        var problem = Assert.Single(MembershipOptionsValidator.Problems(new MembershipOptions { Kind = MembershipOptions.PostgresKind }, EmbeddedStore));

        Assert.StartsWith("Cluster:Membership:ConnectionString is required", problem);
    }

    [Fact]
    public void Postgres_WithABadConnectionString_NamesTheKeywordButNotThePassword()
    {
        var options = new MembershipOptions { Kind = MembershipOptions.PostgresKind, ConnectionString = "Host=db;Password=hunter2;Bogus=1" };

        var problem = Assert.Single(MembershipOptionsValidator.Problems(options, EmbeddedStore));

        Assert.StartsWith("Cluster:Membership:ConnectionString is not a valid Npgsql connection string", problem);
        Assert.DoesNotContain("hunter2", problem);
    }

    [Fact]
    public void Redis_RequiresAnEndpoint_AndRejectsADirectory()
    {
        var missing = MembershipOptionsValidator.Problems(new MembershipOptions { Kind = "redis" }, EmbeddedStore).ToList();
        var noEndpoint = MembershipOptionsValidator.Problems(new MembershipOptions { Kind = "redis", ConnectionString = "password=hunter2", Directory = "/tmp/m" }, EmbeddedStore).ToList();

        Assert.StartsWith("Cluster:Membership:ConnectionString is required when Cluster:Membership:Kind is 'redis'", Assert.Single(missing));
        Assert.Equal(2, noEndpoint.Count);
        Assert.Contains(noEndpoint, problem => problem.StartsWith("Cluster:Membership:ConnectionString names no Redis endpoint", StringComparison.Ordinal));
        Assert.Contains(noEndpoint, problem => problem.StartsWith("Cluster:Membership:Directory is set, but Cluster:Membership:Kind is 'redis'", StringComparison.Ordinal));
        Assert.All(noEndpoint, problem => Assert.DoesNotContain("hunter2", problem));
    }

    [Fact]
    public void AnUnknownKind_IsNamedWithTheChoices()
    {
        var problem = Assert.Single(MembershipOptionsValidator.Problems(new MembershipOptions { Kind = "zookeeper" }, EmbeddedStore));

        Assert.Equal("Cluster:Membership:Kind must be 'embedded', 'postgresql' or 'redis', got 'zookeeper'.", problem);
    }

    [Fact]
    public void UseKeyServerMembership_RefusesOptionsWithProblems_ListingThem()
    {
        var builder = new TestSiloBuilder();

        var refused = Assert.Throws<ArgumentException>(() => builder.UseKeyServerMembership(new MembershipOptions { Kind = "redis" }, EmbeddedStore));

        Assert.Contains("Cluster:Membership:ConnectionString is required", refused.Message);
    }
}
