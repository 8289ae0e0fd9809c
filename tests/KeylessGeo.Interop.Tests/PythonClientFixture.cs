using System.Globalization;
using System.Text.Json;
using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>Runs the Python grpcio client once against our server; the tests assert on its JSON report.</summary>
public sealed class PythonClientFixture : IAsyncLifetime
{
    private InteropWorkspace? _workspace;
    private RpcTestServer? _server;

    public FakeKeyServer Service { get; } = new();

    public JsonElement Report { get; private set; }

    public IReadOnlyList<string> ServerErrors => _server?.ErrorLogs ?? [];

    public async Task InitializeAsync()
    {
        _workspace = await InteropWorkspace.CreateAsync();
        _server = await RpcTestServer.StartAsync(_workspace.Tls, Service.Map);
        var pem = _workspace.Pem;
        var result = await ExternalProcess.RunAsync(
            PythonGrpc.Python,
            [
                PythonGrpc.ScriptPath("interop_client.py"),
                _workspace.Stubs,
                _server.Address.Port.ToString(CultureInfo.InvariantCulture),
                pem.CaCertificate,
                pem.ClientCertificate,
                pem.ClientKey,
                pem.OtherClientCertificate,
                pem.OtherClientKey,
            ],
            TimeSpan.FromSeconds(180));
        result.EnsureSuccess("interop_client.py");
        var lastLine = result.StandardOutput.Trim().Split('\n')[^1];
        using var document = JsonDocument.Parse(lastLine);
        Report = document.RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _workspace?.Dispose();
    }
}
