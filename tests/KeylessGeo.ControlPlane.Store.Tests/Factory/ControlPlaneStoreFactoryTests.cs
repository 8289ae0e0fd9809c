using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Postgres;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Store.Tests.Factory;

public sealed class ControlPlaneStoreFactoryTests
{
    [Fact]
    public async Task EmbeddedOptions_BuildAnEmbeddedStoreOverTheDirectory()
    {
        using var directory = new TemporaryDirectory();

        await using var store = ControlPlaneStoreFactory.Create(new ControlPlaneStoreOptions { Kind = "Embedded", DataDirectory = directory.Path });

        var embedded = Assert.IsType<EmbeddedControlPlaneStore>(store);
        Assert.Equal("embedded", store.Kind);
        Assert.Equal(directory.Path, embedded.DataDirectory);
        Assert.False(Directory.Exists(directory.Path));
    }

    [Fact]
    public async Task OpenAsync_CreatesTheDataDirectoryAtOnce()
    {
        using var directory = new TemporaryDirectory();

        await using var store = await ControlPlaneStoreFactory.OpenAsync(
            new ControlPlaneStoreOptions { DataDirectory = directory.Path }, new ManualTimeProvider(), null, CancellationToken.None);

        Assert.True(File.Exists(EmbeddedFiles(directory.Path)));
    }

    [Fact]
    public async Task PostgresOptions_BuildAPostgresStoreWithoutConnecting()
    {
        await using var store = ControlPlaneStoreFactory.Create(new ControlPlaneStoreOptions
        {
            Kind = "postgresql",
            ConnectionString = "Host=127.0.0.1;Port=1;Database=keylessgeo;Username=keylessgeo;Password=secret",
        });

        Assert.IsType<PostgresControlPlaneStore>(store);
        Assert.Equal("postgresql", store.Kind);
    }

    [Fact]
    public async Task OpenAsync_OfAnUnreachableDatabase_ThrowsStoreUnavailable()
    {
        var options = new ControlPlaneStoreOptions { Kind = "postgresql", ConnectionString = $"Host=127.0.0.1;Port={FreePort.Next()};Username=x;Timeout=3" };

        await Assert.ThrowsAsync<StoreUnavailableException>(() => ControlPlaneStoreFactory.OpenAsync(options, null, null, CancellationToken.None));
    }

    [Theory]
    [InlineData("mysql", null, null, "Kind: must be 'embedded' or 'postgresql', was 'mysql'")]
    [InlineData("embedded", null, null, "DataDirectory: required")]
    [InlineData("embedded", "/var/lib/keylessgeo", "Host=db", "ConnectionString: set, but Kind is 'embedded'")]
    [InlineData("postgresql", null, null, "ConnectionString: required")]
    [InlineData("postgresql", null, "Database=x", "ConnectionString: names no Host")]
    [InlineData("postgresql", null, "Hots=db;Password=hunter2", "ConnectionString: not a valid Npgsql connection string")]
    [InlineData("postgresql", "/var/lib/keylessgeo", "Host=db", "DataDirectory: set, but Kind is 'postgresql'")]
    public void InvalidOptions_AreRejectedNamingTheField(string kind, string? dataDirectory, string? connectionString, string expected)
    {
        var options = new ControlPlaneStoreOptions { Kind = kind, DataDirectory = dataDirectory, ConnectionString = connectionString };

        var error = Assert.Throws<ArgumentException>(() => ControlPlaneStoreFactory.Create(options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_ReportsEveryErrorUnderTheStoreSection()
    {
        var result = new ControlPlaneStoreOptionsValidator().Validate(null, new ControlPlaneStoreOptions { Kind = "embedded", ConnectionString = "Host=db" });

        Assert.True(result.Failed);
        Assert.Equal(["Store:DataDirectory", "Store:ConnectionString"], result.Failures!.Select(f => f[..f.IndexOf(':', 6)]));
    }

    private static string EmbeddedFiles(string directory) => Path.Combine(directory, StateFile.FileName);
}
