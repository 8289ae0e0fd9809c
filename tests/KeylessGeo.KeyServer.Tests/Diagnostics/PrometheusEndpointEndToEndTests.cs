using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Health.V1;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Telemetry.Endpoint;
using KeylessGeo.Telemetry.Health;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;
using KeylessGeo.Testing.Prometheus;
using KeylessGeo.Transport.Kestrel;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Diagnostics;

/// <summary>
/// The real keyserver's scrape endpoint on a free port: counters move exactly with the gRPC and
/// Keyless requests sent, health and readiness answer in plain text, and the service ports serve
/// none of it.
/// </summary>
public sealed class PrometheusEndpointEndToEndTests : IAsyncLifetime
{
    private const string EcKey = "ecp256";
    private const string RsaKey = "rsa2048";
    private const int Requests = 7;

    private readonly TestKeyDirectory _keys = new();
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly HealthGate _gate = new();
    private KeyServerTestHost? _host;

    private KeyServerTestHost Host => _host!;

    private Uri TelemetryAddress => Host.Services.GetRequiredService<TelemetryEndpointState>().BaseAddress!;

    public async Task InitializeAsync()
    {
        await _keys.AddAsync(EcKey, TestKeyType.EcP256);
        await _keys.AddAsync(RsaKey, TestKeyType.Rsa2048Pkcs8);
        _host = await KeyServerTestHost.StartAsync(_keys.Path, _tls, new KeyServerTestHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["KeyServer:Admission:Workers"] = "2",
                ["KeyServer:Admission:QueueLimit"] = "333",
                ["KeyServer:Admission:DefaultDeadline"] = "00:01:00",
            },
            ConfigureServices = services => services.AddHealthChecks().AddCheck(HealthGate.Name, _gate, tags: [HealthTags.Ready]),
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _keys.Dispose();
        _tls.Dispose();
    }

    [Fact]
    public async Task Metrics_MoveExactlyWithTheGrpcAndKeylessRequestsSent()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var http = new HttpClient();
        var metrics = new Uri(TelemetryAddress, "/metrics");
        var operation = ("keylessgeo_operation", WireNames.TagOf(Operation.EcdsaSha256));
        var ok = ("keylessgeo_error_code", "OK");
        var keyless = ("keylessgeo_keyless_opcode", "ECDSA_SIGN_SHA256");

        var before = await PrometheusScrape.ReadAsync(http, metrics, timeout.Token);
        using var channel = Host.CreateChannel();
        var client = new KeyServerClient(channel);
        for (var id = 1UL; id <= Requests; id++)
        {
            var response = await client.SignAsync(Sign(id, EcKey), cancellationToken: timeout.Token);
            Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        }

        var unknown = await client.SignAsync(Sign(99, "no-such-key"), cancellationToken: timeout.Token);
        Assert.Equal(ErrorCode.KeyNotFound, unknown.Error.Code);
        await using (var connection = await KeylessTestClient.ConnectAsync(
            Host.KeylessEndPoint!, new KeylessTestClientOptions { TrustedCa = _tls.TrustedCa, ClientCertificate = _tls.ClientCertificate, Protocol = SslProtocols.Tls13 }, timeout.Token))
        {
            for (uint id = 1; id <= Requests; id++)
            {
                var request = new KeylessGeo.Keyless.Codec.KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = RandomNumberGenerator.GetBytes(32), Ski = _keys.Ski(EcKey) };
                var response = await connection.ExchangeAsync(KeylessTestClient.Encode(id, request), timeout.Token);
                Assert.False(response.IsError, response.ToString());
            }
        }

        var after = await PrometheusScrape.ReadAsync(http, metrics, timeout.Token);

        double Rise(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.Equal(2 * Requests, Rise("keylessgeo_keyserver_operations_total", operation, ok));
        Assert.Equal(1, Rise("keylessgeo_keyserver_operations_total", ("keylessgeo_error_code", "KEY_NOT_FOUND")));
        Assert.Equal(2 * Requests, Rise("keylessgeo_keyserver_operation_duration_seconds_count", operation, ok));
        Assert.Equal(Requests, Rise("keylessgeo_keyless_requests_total", keyless, ("keylessgeo_keyless_error", "OK")));
        Assert.True(Rise("keylessgeo_keyserver_queue_wait_seconds_count") >= 2 * Requests, after.Text);
        Assert.Equal(2, after.Sum("keylessgeo_keyserver_keys"));
        Assert.Equal(2, after.Sum("keylessgeo_keyserver_admission_workers"));
        Assert.Equal(333, after.Sum("keylessgeo_keyserver_admission_queue_limit"));
        Assert.Equal(0, after.Sum("keylessgeo_keyserver_admission_queued"));
        Assert.Equal(1, after.Sum("keylessgeo_keyserver_keys_loaded"));
        Assert.Empty(Host.ErrorLogs);
    }

    [Fact]
    public async Task Healthz_IsOk_AndReadyzWaitsForEveryReadinessCheck()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = TelemetryAddress };

        var live = await GetAsync(http, "/healthz", timeout.Token);
        var held = await GetAsync(http, "/readyz", timeout.Token);
        _gate.Open();
        var ready = await GetAsync(http, "/readyz", timeout.Token);

        Assert.Equal((HttpStatusCode.OK, "ok\n"), live);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, HealthGate.Name + "\n"), held);
        Assert.Equal((HttpStatusCode.OK, "ok\n"), ready);
    }

    [Fact]
    public async Task GrpcHealth_KeepsToItsOwnCheck_WhileReadyzWaits()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = TelemetryAddress };
        using var channel = Host.CreateChannel();

        var grpc = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "" }, cancellationToken: timeout.Token);
        var readyz = await GetAsync(http, "/readyz", timeout.Token);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, grpc.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.Status);
    }

    [Fact]
    public void TheBoundTelemetryPort_IsAmongTheServersAddresses()
    {
        var addresses = Host.Services.GetRequiredService<IServer>().GetBoundAddresses();

        Assert.NotEqual(0, TelemetryAddress.Port);
        Assert.Contains(TelemetryAddress, addresses);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task TheGrpcPort_ServesNoTelemetryPath(string path)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var handler = new SocketsHttpHandler
        {
            SslOptions = { ClientCertificates = [_tls.ClientCertificate], RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        using var http = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await http.GetAsync(new Uri(Host.Address, path), timeout.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheTelemetryPort_ReachesNoKeyServerMethod()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = TelemetryAddress };
        using var body = new ByteArrayContent([0, 0, 0, 0, 0]);
        body.Headers.ContentType = new("application/grpc");

        using var response = await http.PostAsync("/keylessgeo.v1.KeyServer/Sign", body, timeout.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static SignRequest Sign(ulong id, string keyId) => new()
    {
        Id = id,
        Key = new KeyRef { KeyId = keyId },
        Operation = Operation.EcdsaSha256,
        Payload = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
    };

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>A readiness check that is unhealthy until the test opens it.</summary>
    private sealed class HealthGate : IHealthCheck
    {
        public const string Name = "gate";

        private volatile bool _open;

        public void Open() => _open = true;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(_open ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("held by the test"));
    }
}
