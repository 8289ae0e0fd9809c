using System.Net;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Capacity;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Cluster.Silo;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Configuration.Gokeyless;
using KeylessGeo.KeyServer.Crypto;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Discovery;
using KeylessGeo.KeyServer.Forwarding;
using KeylessGeo.Placement;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Grpc;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Serving.Keyless.Epoll;
using KeylessGeo.Serving.Tracing;
using KeylessGeo.Telemetry;
using KeylessGeo.Telemetry.Endpoint;
using KeylessGeo.Transport.Kestrel;
using KeylessGeo.Transport.Tls;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Hosting;

/// <summary>
/// Builds the keyserver process: configuration (a gokeyless YAML file named by
/// <c>--gokeyless-config</c>, then one JSON file named by <c>--config</c>, then
/// <c>KEYLESSGEO_</c> environment variables, then command-line flags, later ones winning),
/// validation of every setting before anything starts, the signing core, cluster membership
/// and managed keys when the <c>Cluster</c> section enables them, the gRPC endpoints and the
/// Keyless protocol endpoint on Kestrel, every one of them under the process's descriptor budget
/// and its own connection limits.
/// </summary>
public static class KeyServerApplication
{
    /// <summary>The prefix of environment variables read as configuration (<c>KEYLESSGEO_KeyServer__Id</c>).</summary>
    public const string EnvironmentPrefix = "KEYLESSGEO_";

    /// <summary>
    /// The top-level settings the keyserver reads (sections, and the flags that name files); any
    /// other is reported at start-up as a mistake.
    /// </summary>
    internal static readonly IReadOnlyList<string> KnownSections =
    [
        KeyServerOptions.SectionName, ListenOptions.SectionName, KeylessOptions.SectionName, GrpcOptions.SectionName,
        TelemetryOptions.SectionName, ClusterOptions.SectionName, DiscoveryOptions.SectionName,
        ConfigurationFile.Flag[2..], GokeylessArguments.Flag[2..], GokeylessArguments.GokeylessFlag[2..],
    ];

    /// <summary>
    /// Creates the application. <paramref name="configure"/> runs before validation, so tests
    /// and embedders can add configuration sources or services.
    /// </summary>
    /// <exception cref="OptionsValidationException">The configuration has errors; all are listed.</exception>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = "KeylessGeo.KeyServer" });
        builder.Configuration.AddGokeylessConfiguration(args);
        var failures = new List<string>();
        var configFile = ConfigurationFile.AddFromArguments(builder.Configuration, args, failures);
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder);
        ClusterDefaults.Apply(builder.Configuration);
        UnknownSettings.Check(configFile, EnvironmentPrefix, args, KnownSections, failures);

        var listen = StrictBinding.Bind<ListenOptions>(builder.Configuration, ListenOptions.SectionName, failures);
        var core = StrictBinding.Bind<KeyServerOptions>(builder.Configuration, KeyServerOptions.SectionName, failures);
        var telemetry = StrictBinding.Bind<TelemetryOptions>(builder.Configuration, TelemetryOptions.SectionName, failures);
        var cluster = StrictBinding.Bind<ClusterOptions>(builder.Configuration, ClusterOptions.SectionName, failures);
        var keyless = StrictBinding.Bind<KeylessOptions>(builder.Configuration, KeylessOptions.SectionName, failures);
        var grpc = StrictBinding.Bind<GrpcOptions>(builder.Configuration, GrpcOptions.SectionName, failures);
        var discovery = StrictBinding.Bind<DiscoveryOptions>(builder.Configuration, DiscoveryOptions.SectionName, failures);
        failures.AddRange(GokeylessConfiguration.Failures(builder.Configuration));
        ThrowIfInvalid(listen, core, telemetry, cluster, keyless, grpc, discovery, failures);
        var (endpoints, keylessEndpoint) = LoadEndpoints(listen, keyless, grpc);

        var keylessState = new KeylessListenerState();
        builder.Services.AddSingleton(keylessState);
        var telemetryState = new TelemetryEndpointState();
        builder.Services.AddSingleton(telemetryState);
        builder.Services.AddKeyServerCore(builder.Configuration);
        builder.Services.AddKeyServerCluster(builder.Configuration);
        builder.Services.AddKeylessListener(builder.Configuration);
        builder.Services.AddKeyServerTelemetry(builder.Configuration);
        builder.Services.AddKeyServerGrpc(builder.Configuration);
        SiloIdentity? silo = null;
        if (cluster.Enabled && cluster.Silo.Enabled)
        {
            silo = new SiloIdentity(core.Id, core.Datacenter, AcceleratorDetector.Resolve(core.Admission.Accelerator, core.Admission.AcceleratorMultiplier));
            builder.AddKeyServerSilo(cluster, listen, silo);
        }

        // Last, around whichever signing service the registrations above settled on.
        builder.Services.AddSigningTracing();
        if (keylessEndpoint is var (epollEndPoint, loaded) && keyless.UsesEpoll)
        {
            builder.Services.AddEpollKeylessListener(epollEndPoint, EpollTls(keyless, listen));

            // Loaded only so a bad file is reported as on the Kestrel path; OpenSSL holds the key from here on.
            loaded.ServerCertificate.Dispose();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            GrpcKestrelLimits.Apply(kestrel.Limits, grpc);
            kestrel.ListenGrpc(endpoints);
            if (keylessEndpoint is var (endPoint, mutualTls) && !keyless.UsesEpoll)
            {
                kestrel.ListenKeyless(endPoint, mutualTls, keylessState);
            }

            kestrel.ListenTelemetry(telemetry.Prometheus, telemetryState);
        });
        var app = builder.Build();

        // Raises the open-file soft limit and sizes the descriptor budget now, at start-up, whichever
        // endpoints are configured (and logs both), rather than when Kestrel first binds one.
        app.Services.GetRequiredService<DescriptorBudget>();
        if (cluster.Enabled)
        {
            OpenCluster(app);
        }

        if (silo is not null)
        {
            SiloRegion.Settle(silo, cluster, app.Services.GetRequiredService<IControlPlaneStore>());
        }

        // First: requests on the telemetry port are answered there and reach nothing else.
        app.UseTelemetryEndpoint();
        app.MapKeyServer();
        if (keylessEndpoint is not null)
        {
            var logger = app.Services.GetRequiredService<ILogger<KeylessConnectionHandler>>();
            app.Lifetime.ApplicationStarted.Register(() => KeylessLog.Listening(logger, keylessState.EndPoint?.ToString() ?? "?"));
        }

        return app;
    }

    // The wrapping key file is loaded (or created) and the store opened before anything starts,
    // so a bad key file or invalid store options stop the process like any other setting.
    private static void OpenCluster(WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<LocalWrappingKey>();
            app.Services.GetRequiredService<IControlPlaneStore>();
        }
        catch (Exception e) when (e is WrappingKeyFileException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            var message = e is WrappingKeyFileException or ArgumentException
                ? e.Message
                : $"{ClusterOptions.SectionName}:WrappingKeyPath: the wrapping key file cannot be created or read ({e.Message}).";
            throw new OptionsValidationException("keyserver", typeof(ClusterOptions), [message]);
        }

        try
        {
            // The certificate presented to other regions' keyservers, when forwarding is on.
            app.Services.GetService<ForwardingClientTls>();
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException("keyserver", typeof(ForwardingOptions), [$"{ForwardingOptions.SectionName}: {e.Message}"]);
        }
    }

    private static void ThrowIfInvalid(
        ListenOptions listen, KeyServerOptions core, TelemetryOptions telemetry, ClusterOptions cluster, KeylessOptions keyless, GrpcOptions grpc, DiscoveryOptions discovery, List<string> failures)
    {
        var listenResult = new ListenOptionsValidator().Validate(null, listen);
        var coreResult = new KeyServerOptionsValidator().Validate(null, core);
        failures.AddRange(listenResult.Failures ?? []);
        failures.AddRange(new KeylessOptionsValidator().Validate(keyless, listen).Failures ?? []);
        failures.AddRange(coreResult.Failures ?? []);
        failures.AddRange(new TelemetryOptionsValidator().Validate(null, telemetry).Failures ?? []);
        failures.AddRange(new ClusterOptionsValidator().Validate(null, cluster).Failures ?? []);
        failures.AddRange(new GrpcOptionsValidator().Validate(null, grpc).Failures ?? []);
        failures.AddRange(new DiscoveryOptionsValidator().Validate(null, discovery).Failures ?? []);
        if (OpenSslRuntime.Incompatibility() is { } openssl)
        {
            failures.Add(openssl);
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException("keyserver", typeof(KeyServerOptions), failures);
        }
    }

    /// <summary>
    /// Loads the certificates of every endpoint before start, so a bad file is a configuration
    /// error; problems with both endpoints are reported together.
    /// </summary>
    private static (GrpcListenOptions Rpc, (IPEndPoint EndPoint, MutualTlsOptions MutualTls)? Keyless) LoadEndpoints(ListenOptions listen, KeylessOptions keyless, GrpcOptions grpc)
    {
        var failures = new List<string>();
        GrpcListenOptions? rpc = null;
        (IPEndPoint, MutualTlsOptions)? keylessEndpoint = null;
        try
        {
            rpc = ToGrpcListenOptions(listen, grpc);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            failures.Add(ex.Message);
        }

        if (keyless.IsListening)
        {
            var resolved = keyless.WithDefaultsFrom(listen);
            try
            {
                var mutualTls = new MutualTlsOptions
                {
                    ServerCertificate = MutualTls.LoadPem(resolved.CertificatePath, resolved.KeyPath),
                    TrustedClientCa = MutualTls.LoadPemBundle(resolved.ClientCaPath),
                };
                keylessEndpoint = (new IPEndPoint(IPAddress.Parse(resolved.Address), resolved.Port), mutualTls);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                failures.Add($"{KeylessOptions.SectionName}: {ex.Message}");
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException("keyserver", typeof(ListenOptions), failures);
        }

        return (rpc!, keylessEndpoint);
    }

    /// <summary>The epoll transport's OpenSSL context from the Keyless certificate files (already loaded once by <see cref="LoadEndpoints"/>).</summary>
    private static EpollTlsContext EpollTls(KeylessOptions keyless, ListenOptions listen)
    {
        var resolved = keyless.WithDefaultsFrom(listen);
        return EpollTlsContext.Create(resolved.CertificatePath, resolved.KeyPath, resolved.ClientCaPath, out var error)
            ?? throw new OptionsValidationException("keyserver", typeof(KeylessOptions), [$"{KeylessOptions.SectionName}: {error}"]);
    }

    private static GrpcListenOptions ToGrpcListenOptions(ListenOptions listen, GrpcOptions grpc)
    {
        var address = IPAddress.Parse(listen.Address);
        return new GrpcListenOptions
        {
            TlsEndpoint = listen.TlsEnabled ? new IPEndPoint(address, listen.Port) : null,
            MutualTls = listen.TlsEnabled
                ? new MutualTlsOptions
                {
                    ServerCertificate = MutualTls.LoadPem(listen.CertificatePath, listen.KeyPath),
                    TrustedClientCa = MutualTls.LoadPemBundle(listen.ClientCaPath),
                }
                : null,
            PlaintextEndpoint = listen.PlaintextPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null,
            UnixSocketPath = listen.UnixSocketPath.Length > 0 ? listen.UnixSocketPath : null,
            BeforeTls = GrpcKestrelLimits.BeforeTls,
            AfterTls = GrpcKestrelLimits.AfterTls(grpc),
        };
    }
}
