using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.Telemetry.Endpoint;
using KeylessGeo.Transport.Kestrel;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The real control plane (<see cref="ControlPlaneApplication.Create"/>) on Kestrel: always its Unix
/// socket (the test process's uid holds <c>admin</c>), plus mutual TLS with
/// <see cref="TestTlsMaterial"/> when given (its client certificate holds <c>admin</c>). The
/// in-memory store is exposed so tests can check it; error-level logs are collected.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, Uri? tlsAddress, Uri? plaintextAddress, string socketPath, InMemoryControlPlaneStore store, CollectingLoggerProvider logs, RecordingLoggerProvider allLogs, TempDirectory directory)
    {
        AllLogs = allLogs;
        _app = app;
        TlsAddress = tlsAddress;
        PlaintextAddress = plaintextAddress;
        SocketPath = socketPath;
        Store = store;
        Logs = logs;
        Directory = directory;
    }

    /// <summary>The audit name of the test process's user, e.g. <c>uid:0(root)</c>: the actor of every change made through <see cref="CreateClient"/>.</summary>
    public static string LocalActor { get; } = UnixAccounts.CurrentIdentityName();

    /// <summary>The mutual-TLS endpoint, when started with TLS material.</summary>
    public Uri? TlsAddress { get; }

    /// <summary>The read-only plaintext endpoint, when <c>ControlPlane:Listen:PlaintextPort</c> was set.</summary>
    public Uri? PlaintextAddress { get; }

    /// <summary>The Unix socket.</summary>
    public string SocketPath { get; }

    /// <summary>What the CLI takes as <c>--control-plane</c>: the TLS URL when there is one, else <c>unix:</c> and the socket.</summary>
    public string ControlPlaneArgument => TlsAddress?.ToString() ?? "unix:" + SocketPath;

    public InMemoryControlPlaneStore Store { get; }

    public CollectingLoggerProvider Logs { get; }

    /// <summary>Every log message, all levels.</summary>
    public RecordingLoggerProvider AllLogs { get; }

    public TempDirectory Directory { get; }

    public ControlPlaneServices Services => _app.Services.GetRequiredService<ControlPlaneServices>();

    /// <summary>
    /// Starts on a Unix socket in a fresh directory, and with <paramref name="tls"/> on mutual TLS
    /// (127.0.0.1, free port). <paramref name="settings"/> override or add configuration;
    /// <paramref name="time"/> replaces the clock.
    /// </summary>
    public static async Task<ApiHost> StartAsync(TestTlsMaterial? tls = null, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var directory = new TempDirectory();
        var socket = directory.File("controlplane.sock");
        var configuration = new Dictionary<string, string?>
        {
            ["ControlPlane:Store:Kind"] = "in-memory",
            ["ControlPlane:WrappingKeyPath"] = directory.File("control-plane-wrapping.key"),
            ["ControlPlane:Listen:Address"] = "127.0.0.1",
            ["ControlPlane:Listen:Port"] = "-1",
            ["Telemetry:Prometheus:Port"] = "0",
            ["ControlPlane:Listen:UnixSocket:Path"] = socket,
            ["ControlPlane:Access:Grants:0:Uid"] = UnixAccounts.CurrentUserId().ToString(CultureInfo.InvariantCulture),
            ["ControlPlane:Access:Grants:0:Roles:0"] = "admin",
        };
        if (tls is not null)
        {
            var pem = tls.WritePem(directory.File("tls"));
            configuration["ControlPlane:Listen:Port"] = "0";
            configuration["ControlPlane:Listen:CertificatePath"] = pem.ServerCertificate;
            configuration["ControlPlane:Listen:KeyPath"] = pem.ServerKey;
            configuration["ControlPlane:Listen:ClientCaPath"] = pem.CaCertificate;
            configuration["ControlPlane:Access:Grants:1:CertificateSubject"] = $"CN={TestTlsMaterial.ClientIdentity}";
            configuration["ControlPlane:Access:Grants:1:Roles:0"] = "admin";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var store = new InMemoryControlPlaneStore();
        var logs = new CollectingLoggerProvider();
        var allLogs = new RecordingLoggerProvider();
        var app = ControlPlaneApplication.Create([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.Services.AddSingleton<IControlPlaneStore>(store);
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.AddProvider(allLogs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().GetBoundAddresses();
        var tlsAddress = addresses.FirstOrDefault(a => a.Scheme == Uri.UriSchemeHttps) is { } https
            ? new Uri(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{https.Port}/"))
            : null;
        // Not the metrics and health endpoint, which is plain HTTP on loopback too.
        var telemetryPort = app.Services.GetRequiredService<TelemetryEndpointState>().EndPoint?.Port;
        var plaintext = addresses.FirstOrDefault(a => a.Scheme == Uri.UriSchemeHttp && a.Host == "127.0.0.1" && a.Port != telemetryPort) is { } http
            ? new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{http.Port}/"))
            : null;
        return new ApiHost(app, tlsAddress, plaintext, socket, store, logs, allLogs, directory);
    }

    /// <summary>A client on the Unix socket: the test process's uid, which holds <c>admin</c>.</summary>
    public HttpClient CreateClient() => UnixSocketHttp.Create(SocketPath);

    /// <summary>A client for the read-only plaintext endpoint.</summary>
    public HttpClient CreatePlaintextClient() => new() { BaseAddress = PlaintextAddress ?? throw new InvalidOperationException("no plaintext endpoint was configured") };

    /// <summary>A client presenting <paramref name="certificate"/> (or none) and trusting <paramref name="tls"/>'s CA.</summary>
    public HttpClient CreateTlsClient(TestTlsMaterial tls, X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = certificate is null ? null : [certificate];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(tls.Ca.Certificate);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return presented is X509Certificate2 server && chain.Build(server);
        };
        return new HttpClient(handler) { BaseAddress = TlsAddress ?? throw new InvalidOperationException("the host was started without TLS") };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Dispose();
    }
}
