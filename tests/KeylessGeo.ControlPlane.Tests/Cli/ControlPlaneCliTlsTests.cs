using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Cli;

/// <summary>The CLI over mutual TLS: the operator's certificate is the audit actor.</summary>
public sealed class ControlPlaneCliTlsTests : IAsyncLifetime
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TempDirectory _files = new();
    private ApiHost _host = null!;
    private TestPemFiles _pem = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync(_tls);
        _pem = _tls.WritePem(_files.File("tls"));
        await File.WriteAllTextAsync(_files.File("topology.json"), TestTopology.Json);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _tls.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task WithAClientCertificate_CommandsWork_AndTheAuditNamesTheCertificate()
    {
        string[] tls = ["--control-plane", _host.TlsAddress!.ToString(), "--ca", _pem.CaCertificate, "--client-cert", _pem.ClientCertificate, "--client-key", _pem.ClientKey];

        var (setCode, _) = await CliRunner.RunAsync(["topology", "set", _files.File("topology.json"), .. tls]);
        var (listCode, audit) = await CliRunner.RunAsync(["audit", "list", .. tls]);
        var (anonymousCode, anonymous) = await CliRunner.RunAsync(["audit", "list", "--control-plane", _host.TlsAddress!.ToString(), "--ca", _pem.CaCertificate]);

        Assert.Equal(0, setCode);
        Assert.Equal(0, listCode);
        Assert.Contains($"CN={TestTlsMaterial.ClientIdentity} topology.replace topology", audit, StringComparison.Ordinal);
        Assert.Equal(3, anonymousCode);
        Assert.Contains("cannot reach the control plane", anonymous, StringComparison.Ordinal);
    }
}
