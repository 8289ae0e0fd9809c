using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;
using KeylessGeo.Transport.Tls;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Connections;

/// <summary>
/// Issue 8's ping attack against the real keyserver process: many connections send large
/// pings and never read the echoes. The process's memory must stay near the configured
/// response budget, and it must go on answering other clients.
/// </summary>
public sealed class KeylessResponseBudgetProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Connections = 16;
    private const int PingsPerConnection = 1024;
    private const int PayloadLength = 16_000;
    private const long Budget = 8L * 1024 * 1024;
    private const long PerConnection = 1024 * 1024;

    // Besides the budget, each connection may hold what Kestrel buffers below the listener
    // (input up to 1 MiB in the socket pipe and 1 MiB in the TLS pipe, output 64 KiB in each,
    // TLS records), and the runtime keeps freed memory for a while. Without the budget the
    // echoes alone would take Connections × 1,024 × 16 KB = 256 MB.
    private const long Allowance = 96L * 1024 * 1024;

    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _keys = new();

    public Task InitializeAsync() => _keys.AddAsync("ecp256", TestKeyType.EcP256);

    public Task DisposeAsync()
    {
        _keys.Dispose();
        _tls.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task UnreadPingEchoes_OnManyConnections_KeepTheProcessWithinTheResponseBudget()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var keyserver = await KeyServerProcess.StartAsync(
            _keys.Path,
            _tls,
            new Dictionary<string, string>
            {
                ["Keyless:ResponseBytesBudget"] = Budget.ToString(CultureInfo.InvariantCulture),
                ["Keyless:MaxResponseBytesPerConnection"] = PerConnection.ToString(CultureInfo.InvariantCulture),
                ["Keyless:ResponseBudgetGracePeriod"] = "00:00:02",
                ["Keyless:IdleTimeout"] = "00:00:05",
            },
            openFileLimit: null,
            timeout.Token);

        // Warm up the TLS and ping paths, then take the baseline.
        await using (var warm = await ConnectAsync(keyserver, timeout.Token))
        {
            for (uint id = 0; id < 64; id++)
            {
                var pong = await warm.ExchangeAsync(KeylessTestClient.Ping(id, new byte[PayloadLength], pad: false), timeout.Token);
                Assert.Equal(KeylessOpcode.Pong, pong.Opcode);
            }
        }

        var baseline = keyserver.ResidentBytes();
        var peak = baseline;
        var flooders = new List<Task>();
        for (var i = 0; i < Connections; i++)
        {
            flooders.Add(FloodAsync(keyserver, timeout.Token));
        }

        // Each flooder ends when the server closes its connection (the budget's grace period, or
        // the idle timeout once it no longer reads): sample the memory at each of those events.
        var pending = flooders.ToList();
        while (pending.Count > 0)
        {
            var ended = await Task.WhenAny(pending);
            pending.Remove(ended);
            await ended;
            peak = Math.Max(peak, keyserver.ResidentBytes());
        }

        output.WriteLine($"resident set: {baseline / 1048576} MiB before, {peak / 1048576} MiB at the peak; budget {Budget / 1048576} MiB");
        Assert.False(keyserver.HasExited);
        Assert.True(peak - baseline <= Budget + Allowance, $"the resident set grew by {(peak - baseline) / 1048576} MiB");
        Assert.True(keyserver.CountOutput("more than its share") >= 1, "no connection was closed for the response budget");

        // Another client is served at once.
        await using var fresh = await ConnectAsync(keyserver, timeout.Token);
        var echo = await fresh.ExchangeAsync(KeylessTestClient.Ping(1, [4, 2]), timeout.Token);
        Assert.Equal([4, 2], echo.Payload);
    }

    private Task<KeylessTestClient> ConnectAsync(KeyServerProcess keyserver, CancellationToken cancellationToken) =>
        KeylessTestClient.ConnectAsync(
            keyserver.KeylessEndPoint,
            new KeylessTestClientOptions { TrustedCa = _tls.TrustedCa, ClientCertificate = _tls.ClientCertificate },
            cancellationToken);

    /// <summary>Sends pings and never reads; completes when the server closes the connection.</summary>
    private async Task FloodAsync(KeyServerProcess keyserver, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(keyserver.KeylessEndPoint, cancellationToken);
        await using var ssl = new SslStream(tcp.GetStream());
        var trusted = _tls.TrustedCa;
        await ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls13,
                ClientCertificates = [_tls.ClientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 server &&
                    (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None &&
                    CertificateValidation.TryValidate(server, chain, trusted, CertificateValidation.ServerAuthentication, out string? _),
            },
            cancellationToken);
        var payload = new byte[PayloadLength];
        try
        {
            for (uint id = 0; id < PingsPerConnection; id++)
            {
                await ssl.WriteAsync(KeylessTestClient.Ping(id, payload, pad: false), cancellationToken);
            }

            // Reached only if the server read every ping: read the echoes until it closes.
            await DrainAsync(ssl, cancellationToken);
        }
        catch (IOException)
        {
            // The server closed the connection.
        }
    }

    private static async Task DrainAsync(SslStream ssl, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (await ssl.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }
}
