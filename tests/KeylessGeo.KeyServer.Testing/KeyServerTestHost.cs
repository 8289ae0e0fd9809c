using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Testing;
using KeylessGeo.Transport.Channels;
using KeylessGeo.Transport.Kestrel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>
/// The real keyserver (<see cref="KeyServerApplication.Create"/>) on 127.0.0.1 with free ports
/// for gRPC and the Keyless protocol, both with mutual TLS, serving a key directory the test
/// prepared. Capacity calibration is off and
/// accelerator detection disabled. Error-level log entries are collected in <see cref="ErrorLogs"/>.
/// </summary>
public sealed class KeyServerTestHost : IAsyncDisposable
{
    /// <summary>The keyserver id reported in <c>served_by</c>.</summary>
    public const string KeyServerId = "ks-e2e-1";

    /// <summary>The datacenter reported in <c>served_by</c>.</summary>
    public const string Datacenter = "e2e1";

    private readonly WebApplication _app;
    private readonly CollectingLoggerProvider _logs;
    private readonly string _tlsDirectory;

    private KeyServerTestHost(WebApplication app, Uri address, IPEndPoint? keylessEndPoint, TestTlsMaterial tls, CollectingLoggerProvider logs, string tlsDirectory)
    {
        _app = app;
        Address = address;
        KeylessEndPoint = keylessEndPoint;
        Tls = tls;
        _logs = logs;
        _tlsDirectory = tlsDirectory;
    }

    /// <summary>The https address with the bound port.</summary>
    public Uri Address { get; }

    /// <summary>The Keyless protocol endpoint with its bound port; null when the settings disabled it.</summary>
    public IPEndPoint? KeylessEndPoint { get; }

    /// <summary>The Keyless listener's state (open connections).</summary>
    public KeylessListenerState Keyless => _app.Services.GetRequiredService<KeylessListenerState>();

    /// <summary>The certificates in use.</summary>
    public TestTlsMaterial Tls { get; }

    /// <summary>Error-level log messages written so far, formatted "category: message".</summary>
    public IReadOnlyList<string> ErrorLogs => _logs.Errors;

    /// <summary>The keyserver's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a keyserver over <paramref name="keysDirectory"/>. <paramref name="settings"/> add to
    /// or override the defaults (for example <c>KeyServer:Admission:Workers</c>).
    /// </summary>
    public static Task<KeyServerTestHost> StartAsync(
        string keysDirectory,
        TestTlsMaterial tls,
        IReadOnlyDictionary<string, string?>? settings = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(keysDirectory, tls, new KeyServerTestHostOptions { Settings = settings }, cancellationToken);

    /// <summary>
    /// Starts a keyserver over <paramref name="keysDirectory"/> with <paramref name="options"/>:
    /// settings (for example a <c>Cluster</c> section), a control-plane store instance to share
    /// between keyservers of one test, services and extra log providers.
    /// </summary>
    public static async Task<KeyServerTestHost> StartAsync(
        string keysDirectory,
        TestTlsMaterial tls,
        KeyServerTestHostOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Settings;
        var tlsDirectory = Directory.CreateTempSubdirectory("keylessgeo-e2e-tls-").FullName;
        var pem = tls.WritePem(tlsDirectory);
        var configuration = KeyServerTestSettings.Defaults(pem, keysDirectory, KeyServerId, Datacenter);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var logs = new CollectingLoggerProvider();
        WebApplication? app = null;
        try
        {
            app = KeyServerApplication.Create([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(configuration);
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                foreach (var provider in options.LoggerProviders)
                {
                    builder.Logging.AddProvider(provider);
                }

                if (options.Store is { } store)
                {
                    builder.Services.AddSingleton(store);
                }

                options.ConfigureServices?.Invoke(builder.Services);
            });
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(TimeSpan.FromSeconds(30));
            await app.StartAsync(startup.Token);
            var keyless = app.Services.GetRequiredService<KeylessListenerState>().EndPoint;
            var port = app.Services.GetRequiredService<IServer>().GetBoundAddresses()
                .First(address => address.Scheme == Uri.UriSchemeHttps && address.Port != keyless?.Port).Port;
            return new KeyServerTestHost(app, new Uri(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{port}")), keyless, tls, logs, tlsDirectory);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            DeleteDirectory(tlsDirectory);
            throw;
        }
    }

    /// <summary>A channel presenting <paramref name="clientCertificate"/> (the trusted client certificate by default), or none.</summary>
    public GrpcChannel CreateChannel(X509Certificate2? clientCertificate = null, bool noClientCertificate = false, int? maxReceiveMessageSize = null)
        => GrpcChannelFactory.Create(new ChannelSettings
        {
            Address = Address.GetLeftPart(UriPartial.Authority),
            ClientCertificate = noClientCertificate ? null : clientCertificate ?? Tls.ClientCertificate,
            TrustedCa = Tls.TrustedCa,
            MaxReceiveMessageSize = maxReceiveMessageSize ?? ChannelSettings.DefaultMaxMessageSize,
        });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _app.StopAsync(stop.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            DeleteDirectory(_tlsDirectory);
        }
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temporary folders.
        }
    }
}
