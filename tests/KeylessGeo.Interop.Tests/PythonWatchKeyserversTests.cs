using System.Globalization;
using System.Text.Json;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>
/// An edge agent's discovery call from another gRPC stack: Debian's Python grpcio opens
/// <c>WatchKeyservers</c> on the real keyserver over mutual TLS with stubs generated from the
/// contract, reads the first two lists and cancels.
/// </summary>
public sealed class PythonWatchKeyserversTests : IAsyncLifetime
{
    private readonly TestKeyDirectory _keys = new();
    private InteropWorkspace? _workspace;
    private KeyServerTestHost? _host;

    public async Task InitializeAsync()
    {
        _workspace = await InteropWorkspace.CreateAsync();
        _host = await KeyServerTestHost.StartAsync(_keys.Path, _workspace.Tls, new Dictionary<string, string?>
        {
            // The second list is the periodic re-send; a short interval keeps the test short.
            ["Discovery:RefreshInterval"] = "00:00:00.2",
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _workspace?.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task WatchKeyservers_FromPython_ReadsTheKeyserversFirstListAndItsResend()
    {
        var host = _host!;
        var pem = _workspace!.Pem;

        var result = await ExternalProcess.RunAsync(
            PythonGrpc.Python,
            [
                PythonGrpc.ScriptPath("watch_keyservers.py"),
                _workspace.Stubs,
                host.Address.Port.ToString(CultureInfo.InvariantCulture),
                pem.CaCertificate,
                pem.ClientCertificate,
                pem.ClientKey,
            ],
            TimeSpan.FromSeconds(120));
        result.EnsureSuccess("watch_keyservers.py");
        using var report = JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]);
        var first = report.RootElement.GetProperty("first");
        var second = report.RootElement.GetProperty("second");

        Assert.Equal(1ul, first.GetProperty("version").GetUInt64());
        Assert.Equal(2ul, second.GetProperty("version").GetUInt64());
        Assert.Equal(KeyServerTestHost.KeyServerId, first.GetProperty("served_by").GetString());
        var self = Assert.Single(first.GetProperty("keyservers").EnumerateArray());
        Assert.Equal(KeyServerTestHost.KeyServerId, self.GetProperty("keyserver_id").GetString());
        Assert.Equal(KeyServerTestHost.Datacenter, self.GetProperty("datacenter").GetString());
        Assert.Equal(host.Address.GetLeftPart(UriPartial.Authority), Assert.Single(self.GetProperty("grpc_endpoints").EnumerateArray()).GetString());
        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{host.KeylessEndPoint!.Port}"),
            Assert.Single(self.GetProperty("keyless_endpoints").EnumerateArray()).GetString());
        Assert.Equal(1.0, self.GetProperty("accelerator_multiplier").GetDouble());
        Assert.True(self.GetProperty("serving").GetBoolean());
        Assert.Equal(self.ToString(), Assert.Single(second.GetProperty("keyservers").EnumerateArray()).ToString());
        Assert.Equal("CANCELLED", report.RootElement.GetProperty("after_cancel").GetString());
        Assert.Equal("NOT_FOUND", report.RootElement.GetProperty("unknown_datacenter").GetString());
        Assert.Empty(host.ErrorLogs);
    }
}
