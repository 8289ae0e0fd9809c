using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Cluster.Silo;
using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// The <c>Cluster</c> section: off by default (the standalone keyserver is unchanged), checked
/// with every other setting when on, every problem named at once; a loose wrapping key file
/// stops start-up like any other configuration error.
/// </summary>
public sealed class ClusterConfigurationTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();

    public void Dispose()
    {
        _directory.Dispose();
        _tls.Dispose();
    }

    [Fact]
    public void Validate_WhenDisabled_AcceptsAnything()
    {
        var options = new ClusterOptions { Enabled = false, LeaseRenewInterval = TimeSpan.FromHours(5), Store = new ControlPlaneStoreOptions { Kind = "nonsense" } };

        Assert.True(new ClusterOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_WhenEnabled_NamesEveryProblemAtOnce()
    {
        var options = new ClusterOptions
        {
            Enabled = true,
            Store = new ControlPlaneStoreOptions { Kind = ControlPlaneStoreOptions.EmbeddedKind },
            WrappingKeyPath = "",
            LeaseTimeToLive = TimeSpan.FromSeconds(5),
            LeaseRenewInterval = TimeSpan.FromSeconds(5),
            AdvertisedEndpoints = ["grpc://10.0.0.5:7443", "not an address"],
            StoreRetryDelay = TimeSpan.FromSeconds(30),
            StoreRetryMaxDelay = TimeSpan.FromSeconds(1),
            FeedPageSize = 0,
            Silo = new SiloOptions { Enabled = false },
        };

        var failures = new ClusterOptionsValidator().Validate(null, options).Failures!.ToList();

        string[] expected =
        [
            "Cluster:FeedPageSize (0) must be between 1 and 1000000",
            "Cluster:Store:DataDirectory",
            "Cluster:WrappingKeyPath is required",
            "Cluster:LeaseRenewInterval (00:00:05) must be shorter than Cluster:LeaseTimeToLive (00:00:05)",
            "Cluster:AdvertisedEndpoints:1",
            "Cluster:StoreRetryMaxDelay (00:00:01) must not be shorter",
        ];
        Assert.Equal(expected.Length, failures.Count);
        foreach (var field in expected)
        {
            Assert.Contains(failures, failure => failure.Contains(field, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void SampleConfiguration_BindsTheSiloMembershipAndForwardingSections()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "keyserver.sample.json"))
            .Build();

        var options = configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>()!;

        Assert.Equal("10.0.0.5", options.Silo.Address);
        Assert.Equal(11111, options.Silo.Port);
        Assert.Equal("/etc/keylessgeo/member.crt", options.Silo.CertificatePath);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Silo.KeyIdleTimeout);
        Assert.Equal("embedded", options.Membership.Kind);
        Assert.Equal(["EU", "NA"], options.Forwarding.RegionPreference);
    }

    [Fact]
    public void Validate_WithASilo_NamesTheSiloMembershipAndForwardingProblemsToo()
    {
        var options = new ClusterOptions
        {
            Enabled = true,
            Store = new ControlPlaneStoreOptions { Kind = ClusterOptions.InMemoryStoreKind },
            WrappingKeyPath = WrappingKeyPath,
            Silo = new SiloOptions { Address = "0.0.0.0", Port = 70000, KeyIdleTimeout = TimeSpan.Zero, MissedProbesLimit = 0 },
        };

        var failures = new ClusterOptionsValidator().Validate(null, options).Failures!.ToList();

        string[] expected =
        [
            "Cluster:Silo:Address", "Cluster:Silo:Port", "Cluster:Silo:KeyIdleTimeout", "Cluster:Silo:MissedProbesLimit",
            "Cluster:Membership:Directory", "Cluster:Forwarding:ClientCertificatePath",
        ];
        foreach (var field in expected)
        {
            Assert.Contains(failures, failure => failure.Contains(field, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(ControlPlaneStoreOptions.PostgresKind, "Cluster:Store:ConnectionString")]
    [InlineData("redis", "Cluster:Store:Kind")]
    public void Validate_NamesTheStoreField(string kind, string field)
    {
        var options = new ClusterOptions
        {
            Enabled = true,
            Store = new ControlPlaneStoreOptions { Kind = kind },
            WrappingKeyPath = WrappingKeyPath,
            Silo = new SiloOptions { Enabled = false },
        };

        var failure = Assert.Single(new ClusterOptionsValidator().Validate(null, options).Failures!);

        Assert.Contains(field, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithClusterAndOtherErrors_ListsThemTogether()
    {
        var settings = ValidSettings();
        settings["KeyServer:Admission:Workers"] = "0";
        settings["Cluster:Store:Kind"] = ControlPlaneStoreOptions.PostgresKind;
        settings["Cluster:WrappingKeyPath"] = Path.Combine(_directory.Path, "missing", "wrapping-key.pem");

        var error = Assert.Throws<OptionsValidationException>(() => Create(settings));

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("KeyServer:Admission:Workers", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Cluster:Store:ConnectionString", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Cluster:WrappingKeyPath", StringComparison.Ordinal) && f.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_WithAWrappingKeyFileOthersCanRead_StopsWithAConfigurationError()
    {
        using (var key = Placement.DatacenterWrappingKey.LoadOrCreate(WrappingKeyPath, out _))
        {
            File.SetUnixFileMode(WrappingKeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var error = Assert.Throws<OptionsValidationException>(() => Create(ValidSettings()));

        var failure = Assert.Single(error.Failures);
        Assert.Contains("chmod 600", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithTheClusterOn_GeneratesTheWrappingKeyBeforeStart_AndBindsEveryField()
    {
        var settings = ValidSettings();
        settings["Cluster:AdvertisedEndpoints:0"] = "grpc://10.0.0.5:7443";
        settings["Cluster:AdvertisedEndpoints:1"] = "keyless://10.0.0.5:2407";
        settings["Cluster:LeaseTimeToLive"] = "00:00:20";

        await using var app = Create(settings);

        Assert.True(File.Exists(WrappingKeyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(WrappingKeyPath));
        var options = app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(new[] { "grpc://10.0.0.5:7443", "keyless://10.0.0.5:2407" }, options.AdvertisedEndpoints.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(20), options.LeaseTimeToLive);
        Assert.Equal(TimeSpan.FromSeconds(5), options.LeaseRenewInterval);
        Assert.NotNull(app.Services.GetService<IControlPlaneStore>());
    }

    [Fact]
    public async Task Create_WithoutAClusterSection_AddsNoClusterService()
    {
        var settings = ValidSettings();
        settings.Remove("Cluster:Enabled");

        await using var app = Create(settings);

        Assert.Null(app.Services.GetService<IControlPlaneStore>());
        Assert.Null(app.Services.GetService<ClusterMembershipService>());
        Assert.False(File.Exists(WrappingKeyPath));
    }

    [Fact]
    public void SampleConfiguration_ClusterSection_BindsEveryField()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "keyserver.sample.json")).Build();

        var options = configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>()!;

        Assert.False(options.Enabled);
        Assert.Equal(ControlPlaneStoreOptions.EmbeddedKind, options.Store.Kind);
        Assert.Equal("/var/lib/keylessgeo/store", options.Store.DataDirectory);
        Assert.Equal("/var/lib/keylessgeo/wrapping-key.pem", options.WrappingKeyPath);
        Assert.Equal(new[] { "grpc://10.0.0.5:7443" }, options.AdvertisedEndpoints.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(15), options.LeaseTimeToLive);
    }

    private string WrappingKeyPath => Path.Combine(_directory.Path, "wrapping-key.pem");

    private Dictionary<string, string?> ValidSettings()
    {
        var pem = _tls.WritePem(_directory.Path);
        return new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = "ks-fra1",
            ["KeyServer:Datacenter"] = "fra1",
            ["KeyServer:KeysDirectory"] = _directory.Path,
            ["Listen:Port"] = "0",
            ["Listen:CertificatePath"] = pem.ServerCertificate,
            ["Listen:KeyPath"] = pem.ServerKey,
            ["Listen:ClientCaPath"] = pem.CaCertificate,
            ["Cluster:Enabled"] = "true",
            ["Cluster:Silo:Enabled"] = "false",
            ["Cluster:Store:Kind"] = ClusterOptions.InMemoryStoreKind,
            ["Cluster:WrappingKeyPath"] = WrappingKeyPath,
        };
    }

    private static WebApplication Create(Dictionary<string, string?> settings) =>
        KeyServerApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(settings));
}
