using System.Security.Cryptography;
using System.Text.Json;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Cli;

/// <summary>The operator CLI end to end against a running control plane (its Unix socket, as the test process's uid).</summary>
public sealed class ControlPlaneCliTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private readonly Dictionary<string, ECDiffieHellman> _datacenterKeys = [];
    private ApiHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        await File.WriteAllTextAsync(_files.File("topology.json"), TestTopology.Json);
        foreach (var id in TestTopology.Ids)
        {
            _datacenterKeys[id] = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            await File.WriteAllTextAsync(_files.File(id + ".pub"), _datacenterKeys[id].ExportSubjectPublicKeyInfoPem());
        }
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _files.Dispose();
        foreach (var key in _datacenterKeys.Values)
        {
            key.Dispose();
        }
    }

    [Fact]
    public async Task TheOperatorsDay_FromTopologyToWhereTheKeyIsServed()
    {
        await OkAsync("topology", "set", _files.File("topology.json"));
        foreach (var id in TestTopology.Ids)
        {
            Assert.Contains($"datacenter {id}: wrapping key", await OkAsync("dc", "register-key", id, _files.File(id + ".pub")), StringComparison.Ordinal);
        }

        var created = await OkAsync("policy", "create", "eu-only", "--text", "region: EU and not country: FR", "--comment", "launch");
        Assert.Contains("policy eu-only version 1 created", created, StringComparison.Ordinal);
        Assert.Contains("permitted: ams1, fra1", created, StringComparison.Ordinal);

        var pem = TestKeys.RsaPkcs8();
        await File.WriteAllTextAsync(_files.File("shop.key"), TestKeys.Encrypted(pem));
        await File.WriteAllTextAsync(_files.File("shop.crt"), TestKeys.Certificate(pem, "shop.example"));
        Environment.SetEnvironmentVariable("KEYLESSGEO_TEST_PASSPHRASE", TestKeys.Passphrase);
        var imported = await OkAsync("key", "import", "shop", "--policy", "eu-only", "--key", _files.File("shop.key"), "--cert", _files.File("shop.crt"),
            "--passphrase-env", "KEYLESSGEO_TEST_PASSPHRASE", "--host", "www.shop.example");
        Assert.Contains("key shop imported", imported, StringComparison.Ordinal);
        Assert.Contains("algorithm: rsa2048", imported, StringComparison.Ordinal);
        Assert.Contains("host names: shop.example, www.shop.example", imported, StringComparison.Ordinal);
        Assert.DoesNotContain(pem.Split('\n')[1][..16], imported, StringComparison.Ordinal);

        var revision = await _host.Store.GetRevisionAsync(CancellationToken.None);
        await _host.Store.RenewLeaseAsync(new KeyserverLease { KeyserverId = "ks-fra1", DatacenterId = "fra1", AppliedRevision = revision }, TimeSpan.FromMinutes(1), CancellationToken.None);
        var where = await OkAsync("key", "where", "shop");
        Assert.Contains("dc cdg1 denied: country FR is excluded by 'not country: FR'", where, StringComparison.Ordinal);
        Assert.Matches(@"fra1\s+holds-key", where);
        Assert.Matches(@"ks-fra1\s+fra1\s+serving", where);
        Assert.Matches(@"ks-fra1\s+fra1\s+lease-only\s+applied revision", await OkAsync("keyservers"));

        var updated = await OkAsync("policy", "update", "eu-only", "--text", "dc: fra1");
        Assert.Contains("removed: ams1", updated, StringComparison.Ordinal);
        Assert.Contains("policy rotate-key eu-only", updated, StringComparison.Ordinal);
        Assert.Contains("key generation 1 -> 2", await OkAsync("policy", "rotate-key", "eu-only"), StringComparison.Ordinal);
        Assert.Contains("eu-only", await OkAsync("policy", "list"), StringComparison.Ordinal);
        Assert.Contains("keys: shop", await OkAsync("policy", "get", "eu-only"), StringComparison.Ordinal);
        Assert.Contains("shop", await OkAsync("key", "list", "--policy", "eu-only"), StringComparison.Ordinal);

        var audit = await OkAsync("audit", "list");
        Assert.Contains($"{ApiHost.LocalActor} policy.create policy/eu-only", audit, StringComparison.Ordinal);
        Assert.Contains("audit chain intact: 9 entries verified", await OkAsync("audit", "verify"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_ArePrintedFieldByField_WithTheirExitCodes()
    {
        await OkAsync("topology", "set", _files.File("topology.json"));

        var (syntax, syntaxOutput) = await RunAsync("policy", "create", "eu", "--text", "region: EU adn tier: standard");
        Assert.Equal(1, syntax);
        Assert.Contains("error: Policy syntax error (HTTP 400, policy-syntax)", syntaxOutput, StringComparison.Ordinal);
        Assert.Contains("  text (line 1, column 12): unexpected 'adn' — did you mean 'and'?", syntaxOutput, StringComparison.Ordinal);

        var (invalid, invalidOutput) = await RunAsync("policy", "create", "eu", "--text", "region: EUR");
        Assert.Equal(1, invalid);
        Assert.Contains("HTTP 422, invalid-policy", invalidOutput, StringComparison.Ordinal);
        Assert.Contains("text (line 1, column 9): unknown region 'EUR'", invalidOutput, StringComparison.Ordinal);

        var (missing, missingOutput) = await RunAsync("key", "get", "nope");
        Assert.Equal(1, missing);
        Assert.Contains("HTTP 404, key-not-found", missingOutput, StringComparison.Ordinal);

        var (noFile, noFileOutput) = await RunAsync("topology", "set", _files.File("missing.json"));
        Assert.Equal(2, noFile);
        Assert.Contains("cannot read the topology file", noFileOutput, StringComparison.Ordinal);

        var (both, bothOutput) = await RunAsync("policy", "create", "eu");
        Assert.Equal(2, both);
        Assert.Contains("exactly one of --text TEXT or --file FILE", bothOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_PrintsEveryDecisionAndTheDiff_AndExitsOneWhenInvalid()
    {
        await OkAsync("topology", "set", _files.File("topology.json"));
        await OkAsync("policy", "create", "eu", "--text", "region: EU");
        await File.WriteAllTextAsync(_files.File("pci.json"), "{\"label\": \"pci\"} // pci only");

        var explained = await OkAsync("policy", "explain", "--file", _files.File("pci.json"), "--id", "eu");
        var (invalid, invalidOutput) = await RunAsync("policy", "explain", "--text", "region: AF");

        Assert.Contains("permitted: fra1, iad1", explained, StringComparison.Ordinal);
        Assert.Contains("dc ams1 denied: labels [edge] did not match 'label: pci'", explained, StringComparison.Ordinal);
        Assert.Contains("added: iad1; removed: ams1, cdg1", explained, StringComparison.Ordinal);
        Assert.Equal(1, invalid);
        Assert.Contains("invalid: this policy would be refused", invalidOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_ReportsTheFirstEditedEntry_AndExitsFour()
    {
        await OkAsync("topology", "set", _files.File("topology.json"));
        await OkAsync("policy", "create", "eu", "--text", "region: EU");
        await OkAsync("policy", "update", "eu", "--text", "region: EU and tier: standard");
        _host.Store.TamperWithAudit(2, e => e with { Details = e.Details.Replace("region: EU", "region: NA", StringComparison.Ordinal) });

        var (exitCode, output) = await RunAsync("audit", "verify");

        Assert.Equal(4, exitCode);
        Assert.Contains($"audit chain broken at entry 2 (policy.create policy/eu by {ApiHost.LocalActor}", output, StringComparison.Ordinal);
        Assert.Contains("the entry was edited", output, StringComparison.Ordinal);
        Assert.Contains("1 entries before it verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonOutput_IsTheApisAnswer_AndTopologyGetRoundTrips()
    {
        await OkAsync("topology", "set", _files.File("topology.json"));

        var json = await OkAsync("topology", "get", "--json");
        await File.WriteAllTextAsync(_files.File("round-trip.json"), json);
        var again = await OkAsync("topology", "set", _files.File("round-trip.json"));

        Assert.Equal(4, JsonDocument.Parse(json).RootElement.GetProperty("datacenters").GetArrayLength());
        Assert.Contains("added none; removed none; changed none", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableControlPlane_ExitsThree_AndABadAddressExitsTwo()
    {
        var (unreachable, unreachableOutput) = await CliRunner.RunAsync("policy", "list", "--control-plane", $"http://127.0.0.1:{KeylessGeo.Testing.FreePort.Next()}");
        var (noSocket, noSocketOutput) = await CliRunner.RunAsync("policy", "list", "--control-plane", "unix:" + _files.File("missing.sock"));
        var (missing, missingOutput) = await CliRunner.RunAsync("policy", "list", "--control-plane", "ftp://example");
        var (relative, relativeOutput) = await CliRunner.RunAsync("policy", "list", "--control-plane", "unix:run/controlplane.sock");

        Assert.Equal(3, unreachable);
        Assert.Contains("cannot reach the control plane", unreachableOutput, StringComparison.Ordinal);
        Assert.Equal(3, noSocket);
        Assert.Contains($"cannot reach the control plane at unix:{_files.File("missing.sock")}", noSocketOutput, StringComparison.Ordinal);
        Assert.Equal(2, missing);
        Assert.Contains("is not unix:PATH, an https:// URL or an http:// URL", missingOutput, StringComparison.Ordinal);
        Assert.Equal(2, relative);
        Assert.Contains("the socket path must be absolute", relativeOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSocketAddress_CanComeFromTheEnvironment()
    {
        Environment.SetEnvironmentVariable(KeylessGeo.Cli.ControlPlane.ControlPlaneConnection.EnvironmentVariable, "unix://" + _host.SocketPath);
        try
        {
            var (code, output) = await CliRunner.RunAsync("topology", "set", _files.File("topology.json"));

            Assert.True(code == 0, output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(KeylessGeo.Cli.ControlPlane.ControlPlaneConnection.EnvironmentVariable, null);
        }

        var audit = await OkAsync("audit", "list");
        Assert.Contains($"{ApiHost.LocalActor} topology.replace topology", audit, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--control-plane", _host.ControlPlaneArgument]);

    private async Task<string> OkAsync(params string[] args)
    {
        var (exitCode, output) = await RunAsync(args);
        Assert.True(exitCode == 0, $"keylessgeo {string.Join(' ', args)} exited {exitCode}:\n{output}");
        return output;
    }
}
