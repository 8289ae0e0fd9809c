using System.Net.Sockets;
using KeylessGeo.ControlPlane.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KeylessGeo.ControlPlane.Tests.Access;

/// <summary>Access and Unix socket settings are checked before anything starts; every error is reported at once.</summary>
public sealed class AccessConfigurationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void BadGrantsAndSocketSettings_AreAllReported()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Create(new Dictionary<string, string?>
        {
            ["ControlPlane:Listen:UnixSocket:Path"] = "relative/cp.sock",
            ["ControlPlane:Listen:UnixSocket:Mode"] = "0666",
            ["ControlPlane:Listen:UnixSocket:Group"] = "no-such-group-here",
            ["ControlPlane:Access:UnknownIdentities"] = "write",
            ["ControlPlane:Access:Grants:0:Uid"] = "1000",
            ["ControlPlane:Access:Grants:0:User"] = "alice",
            ["ControlPlane:Access:Grants:0:Roles:0"] = "admin",
            ["ControlPlane:Access:Grants:1:CertificateSubject"] = "not a name",
            ["ControlPlane:Access:Grants:1:Roles:0"] = "superuser",
            ["ControlPlane:Access:Grants:2:User"] = "bob",
            ["ControlPlane:Access:Grants:3:User"] = "bob",
            ["ControlPlane:Access:Grants:3:Roles:0"] = "read",
        }));

        var messages = string.Join("\n", failure.Failures);
        Assert.Contains("ControlPlane:Listen:UnixSocket:Path 'relative/cp.sock' is not an absolute path", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Listen:UnixSocket:Mode '0666' is not 0600", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Listen:UnixSocket:Group 'no-such-group-here' is not a group", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Access:UnknownIdentities 'write'", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Access:Grants:0 must name exactly one of CertificateSubject, User or Uid (it names 2)", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Access:Grants:1:CertificateSubject 'not a name' is not a distinguished name", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Access:Grants:1:Roles:0 'superuser' is not one of read, operate-keys, change-policy, admin", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Access:Grants:2:Roles is empty", messages, StringComparison.Ordinal);
        Assert.Contains("ControlPlane:Access:Grants:3 names user bob again", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStaleSocketFile_IsReplaced_ButALiveOneOrAnotherFileIsAConfigurationError()
    {
        var path = _directory.File("cp.sock");
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(path)); // bound, never listening: what a killed process leaves behind
        }

        await using (var app = Create(new Dictionary<string, string?> { ["ControlPlane:Listen:UnixSocket:Path"] = path }))
        {
            await app.StartAsync();
            var live = Assert.Throws<OptionsValidationException>(() => Create(new Dictionary<string, string?> { ["ControlPlane:Listen:UnixSocket:Path"] = path }));
            Assert.Contains("another process is listening on", Assert.Single(live.Failures), StringComparison.Ordinal);
            await app.StopAsync();
        }

        Assert.False(File.Exists(path));
        var regular = _directory.File("regular");
        await File.WriteAllTextAsync(regular, "not a socket");
        var taken = Assert.Throws<OptionsValidationException>(() => Create(new Dictionary<string, string?> { ["ControlPlane:Listen:UnixSocket:Path"] = regular }));
        Assert.Contains("exists and is not a socket", Assert.Single(taken.Failures), StringComparison.Ordinal);
        Assert.Equal("not a socket", await File.ReadAllTextAsync(regular));
    }

    private WebApplication Create(Dictionary<string, string?> settings)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["ControlPlane:Store:Kind"] = "in-memory",
            ["ControlPlane:WrappingKeyPath"] = _directory.File("cp.key"),
            ["ControlPlane:Listen:Port"] = "-1",
            ["Telemetry:Prometheus:Port"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        return ControlPlaneApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(configuration));
    }
}
