using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.Transport.Kestrel;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The real control plane (<see cref="ControlPlaneApplication.Create"/>) on Kestrel: plaintext on a
/// free loopback port, or mutual TLS with <see cref="TestTlsMaterial"/>. The in-memory store is
/// exposed so tests can check it; error-level logs are collected.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, Uri address, InMemoryControlPlaneStore store, CollectingLoggerProvider logs, RecordingLoggerProvider allLogs, TempDirectory directory)
    {
        AllLogs = allLogs;
        _app = app;
        Address = address;
        Store = store;
        Logs = logs;
        Directory = directory;
    }

    public Uri Address { get; }

    public InMemoryControlPlaneStore Store { get; }

    public CollectingLoggerProvider Logs { get; }

    /// <summary>Every log message, all levels.</summary>
    public RecordingLoggerProvider AllLogs { get; }

    public TempDirectory Directory { get; }

    public ControlPlaneServices Services => _app.Services.GetRequiredService<ControlPlaneServices>();

    /// <summary>Starts on 127.0.0.1: plaintext, or with <paramref name="tls"/> mutual TLS only.</summary>
    public static async Task<ApiHost> StartAsync(TestTlsMaterial? tls = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var directory = new TempDirectory();
        var configuration = new Dictionary<string, string?>
        {
            ["ControlPlane:Store:Kind"] = "in-memory",
            ["ControlPlane:WrappingKeyPath"] = directory.File("control-plane-wrapping.key"),
            ["ControlPlane:Listen:Address"] = "127.0.0.1",
        };
        if (tls is null)
        {
            configuration["ControlPlane:Listen:Port"] = "-1";
            configuration["ControlPlane:Listen:PlaintextPort"] = "0";
        }
        else
        {
            var pem = tls.WritePem(directory.File("tls"));
            configuration["ControlPlane:Listen:Port"] = "0";
            configuration["ControlPlane:Listen:CertificatePath"] = pem.ServerCertificate;
            configuration["ControlPlane:Listen:KeyPath"] = pem.ServerKey;
            configuration["ControlPlane:Listen:ClientCaPath"] = pem.CaCertificate;
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
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.AddProvider(allLogs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        });
        await app.StartAsync();
        var port = app.Services.GetRequiredService<IServer>().GetBoundAddresses()[0].Port;
        var scheme = tls is null ? "http" : "https";
        return new ApiHost(app, new Uri(string.Create(CultureInfo.InvariantCulture, $"{scheme}://127.0.0.1:{port}/")), store, logs, allLogs, directory);
    }

    /// <summary>A client for the plaintext endpoint.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = Address };

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
        return new HttpClient(handler) { BaseAddress = Address };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Dispose();
    }
}
