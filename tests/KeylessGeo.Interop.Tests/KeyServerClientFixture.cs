using System.Globalization;
using System.Text.Json;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>
/// Runs the Python grpcio client once against the real keyserver (in-process, mutual TLS) with
/// one ECDSA P-256 key; the tests verify the signatures it reports.
/// </summary>
public sealed class KeyServerClientFixture : IAsyncLifetime
{
    public const string KeyId = "interop-ec";
    public const int StreamCount = 200;

    private InteropWorkspace? _workspace;
    private KeyServerTestHost? _host;

    public TestKeyDirectory Keys { get; } = new();

    public JsonElement Report { get; private set; }

    public IReadOnlyList<string> ServerErrors => _host?.ErrorLogs ?? [];

    public async Task InitializeAsync()
    {
        _workspace = await InteropWorkspace.CreateAsync();
        await Keys.AddAsync(KeyId, TestKeyType.EcP256);
        _host = await KeyServerTestHost.StartAsync(Keys.Path, _workspace.Tls);
        var pem = _workspace.Pem;
        var result = await ExternalProcess.RunAsync(
            PythonGrpc.Python,
            [
                PythonGrpc.ScriptPath("keyserver_client.py"),
                _workspace.Stubs,
                _host.Address.Port.ToString(CultureInfo.InvariantCulture),
                pem.CaCertificate,
                pem.ClientCertificate,
                pem.ClientKey,
                KeyId,
                StreamCount.ToString(CultureInfo.InvariantCulture),
            ],
            TimeSpan.FromSeconds(180));
        result.EnsureSuccess("keyserver_client.py");
        var lastLine = result.StandardOutput.Trim().Split('\n')[^1];
        using var document = JsonDocument.Parse(lastLine);
        Report = document.RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _workspace?.Dispose();
        Keys.Dispose();
    }
}
