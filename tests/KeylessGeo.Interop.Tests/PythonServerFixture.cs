using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using KeylessGeo.Transport.Channels;
using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>Starts the Python grpcio KeyServer on 127.0.0.1 (free port, mutual TLS) and always kills it.</summary>
public sealed class PythonServerFixture : IAsyncLifetime
{
    private InteropWorkspace? _workspace;
    private Process? _process;

    public Uri Address { get; private set; } = new("https://127.0.0.1");

    public TestTlsMaterial Tls => _workspace?.Tls ?? throw new InvalidOperationException("Not initialized.");

    public GrpcChannel CreateChannel() => GrpcChannelFactory.Create(new ChannelSettings
    {
        Address = Address.GetLeftPart(UriPartial.Authority),
        ClientCertificate = Tls.ClientCertificate,
        TrustedCa = Tls.TrustedCa,
    });

    public async Task InitializeAsync()
    {
        _workspace = await InteropWorkspace.CreateAsync();
        var pem = _workspace.Pem;
        var info = ExternalProcess.CreateStartInfo(
            PythonGrpc.Python,
            [PythonGrpc.ScriptPath("interop_server.py"), _workspace.Stubs, pem.CaCertificate, pem.ServerCertificate, pem.ServerKey]);
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the Python server.");
        var stderr = _process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Set-up failed: the server this fixture started must not outlive it.
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException("The Python server did not report its port within 60 s.");
        }

        if (line is null || !int.TryParse(line.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            _process.Kill(entireProcessTree: true);
            var errors = await stderr.WaitAsync(TimeSpan.FromSeconds(10));
            throw new InvalidOperationException($"The Python server did not report a port (got '{line}'). stderr:\n{errors}");
        }

        Address = new Uri($"https://127.0.0.1:{port}");
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
            {
                // Already gone, or it did not exit in time after the kill: nothing more to do.
            }

            process.Dispose();
        }

        _workspace?.Dispose();
    }
}
