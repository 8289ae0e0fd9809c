using KeylessGeo.ControlPlane.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KeylessGeo.ControlPlane.Tests.Hosting;

/// <summary>Configuration is validated before anything starts, and every error is reported at once.</summary>
public sealed class ControlPlaneApplicationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Create_WithManyBadSettings_ReportsThemAllAtOnce()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => ControlPlaneApplication.Create([], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ControlPlane:Store:Kind"] = "cassandra",
                ["ControlPlane:MinimumPermittedDatacenters"] = "-1",
                ["ControlPlane:Listen:Address"] = "not-an-ip",
                ["ControlPlane:Listen:Port"] = "8443",
            })));

        var messages = string.Join("\n", failure.Failures);
        Assert.Contains("ControlPlane:Store:Kind 'cassandra'", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:WrappingKeyPath is required", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:MinimumPermittedDatacenters -1", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Listen:Address 'not-an-ip'", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Listen:CertificatePath is required", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Listen:ClientCaPath is required", messages, StringComparison.Ordinal);
        Assert.True(failure.Failures.Count() >= 6);
    }

    [Fact]
    public void Create_WithAWrappingKeyFileOthersCanRead_IsAConfigurationError()
    {
        var path = _directory.File("loose.key");
        using (var key = KeylessGeo.Placement.DatacenterWrappingKey.LoadOrCreate(path, out _))
        {
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var failure = Assert.Throws<OptionsValidationException>(() => ControlPlaneApplication.Create([], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ControlPlane:Store:Kind"] = "in-memory",
                ["ControlPlane:WrappingKeyPath"] = path,
                ["ControlPlane:Listen:Port"] = "-1",
                ["ControlPlane:Listen:PlaintextPort"] = "0",
            })));

        Assert.Contains("chmod 600", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExecutable_WithABadConfigurationFile_ListsTheErrorsAndExitsTwo()
    {
        // Run as its own process: Main makes the process non-dumpable, which the test host must not become.
        var config = _directory.File("controlplane.json");
        await File.WriteAllTextAsync(config, "{\"ControlPlane\": {\"Store\": {\"Kind\": \"in-memory\"}, \"Listen\": {\"Port\": -1}}}");
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileName(host) == "dotnet" ? host : "dotnet";

        var result = await KeylessGeo.Testing.ExternalProcess.RunAsync(dotnet, [Path.Combine(AppContext.BaseDirectory, "keylessgeo-controlplane.dll"), "--config", config]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ControlPlane:WrappingKeyPath is required", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Listen: no endpoint is enabled", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_CreatesTheWrappingKeyWithMode0600_AndLoadsItOnTheNextStart()
    {
        var path = _directory.File("cp.key");
        var settings = new Dictionary<string, string?>
        {
            ["ControlPlane:Store:Kind"] = "in-memory",
            ["ControlPlane:WrappingKeyPath"] = path,
            ["ControlPlane:Listen:Port"] = "-1",
            ["ControlPlane:Listen:PlaintextPort"] = "0",
        };

        string first;
        await using (var app = ControlPlaneApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(settings)))
        {
            first = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<KeylessGeo.ControlPlane.Placement.ControlPlaneKeyring>(app.Services).Fingerprint;
        }

        await using var again = ControlPlaneApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(settings));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(first, Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<KeylessGeo.ControlPlane.Placement.ControlPlaneKeyring>(again.Services).Fingerprint);
    }
}
