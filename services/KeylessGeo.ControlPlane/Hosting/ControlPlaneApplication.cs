using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Api;
using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.Placement;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Telemetry;
using KeylessGeo.Telemetry.Endpoint;
using KeylessGeo.Telemetry.Health;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// Builds the control-plane process: configuration (one JSON file named by <c>--config</c>, then
/// <c>KEYLESSGEO_</c> environment variables, then command-line flags, later ones winning), every
/// setting validated before anything starts (all errors at once), the control plane's wrapping key
/// loaded or created, the store opened, and the HTTP API on Kestrel.
/// </summary>
public static class ControlPlaneApplication
{
    /// <summary>The prefix of environment variables read as configuration (<c>KEYLESSGEO_ControlPlane__WrappingKeyPath</c>).</summary>
    public const string EnvironmentPrefix = "KEYLESSGEO_";

    /// <summary>The default port of the metrics and health endpoint (keyserver 2406, agent 2408, edge host 2409).</summary>
    public const int DefaultMetricsPort = 2410;

    /// <summary>
    /// The top-level settings the control plane reads (its section, and the flag that names the
    /// file); any other is reported at start-up as a mistake.
    /// </summary>
    public static readonly IReadOnlyList<string> KnownSections = [ControlPlaneOptions.SectionName, TelemetryOptions.SectionName, ConfigurationFile.Flag[2..]];

    /// <summary>
    /// Creates the application. <paramref name="configure"/> runs before validation, so tests and
    /// embedders can add configuration sources or services (an <see cref="IControlPlaneStore"/>
    /// registered there is used instead of the configured one).
    /// </summary>
    /// <exception cref="OptionsValidationException">The configuration has errors; all are listed.</exception>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = "KeylessGeo.ControlPlane" });

        // Lowest priority: the metrics port differs from the keyserver's, the agent's and the edge host's.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PrometheusOptions.SectionName + ":Port"] = DefaultMetricsPort.ToString(CultureInfo.InvariantCulture),
        });
        var failures = new List<string>();
        var configFile = ConfigurationFile.AddFromArguments(builder.Configuration, args, failures);
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder);
        UnknownSettings.Check(configFile, EnvironmentPrefix, args, KnownSections, failures);

        var before = failures.Count;
        var options = StrictBinding.Bind<ControlPlaneOptions>(builder.Configuration, ControlPlaneOptions.SectionName, failures);
        if (failures.Count == before)
        {
            // Not after a failed binding: the defaults it falls back to would be reported as
            // missing settings the operator did give.
            failures.AddRange(new ControlPlaneOptionsValidator().Validate(null, options).Failures ?? []);
        }

        var telemetry = StrictBinding.Bind<TelemetryOptions>(builder.Configuration, TelemetryOptions.SectionName, failures);
        failures.AddRange(new TelemetryOptionsValidator().Validate(null, telemetry).Failures ?? []);

        ThrowIfAny(failures);

        // Files and sockets only once every setting is sound: each problem here is listed too.
        var tls = LoadTls(options.Listen, failures);
        var loaded = LoadKeyring(options.WrappingKeyPath, failures, out var created);
        ThrowIfAny(failures);
        var keyring = loaded!; // loaded: no failure was listed
        var unixSocket = BindUnixSocket(options.Listen.UnixSocket, failures);
        ThrowIfAny(failures);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(keyring);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IControlPlaneStore>(services => ControlPlaneStoreFactory.Create(
            options.Store, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("KeylessGeo.ControlPlane.Store")));
        builder.Services.AddHostedService<StoreWarmup>();
        builder.Services.AddSingleton(services => ControlPlaneServices.Create(
            services.GetRequiredService<IControlPlaneStore>(),
            keyring,
            new ControlPlaneServiceOptions { MinimumPermittedDatacenters = options.MinimumPermittedDatacenters, Limits = options.Limits },
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService<PendingCopyService>();
        builder.Services.AddControlPlaneReadiness(options.Store.IntegrityCheckInterval);
        builder.Services.Configure<JsonOptions>(json => ApiJson.Configure(json.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddControlPlaneAccess(options.Access);
        AddTelemetry(builder);
        UnixSocketHosting.Add(builder, unixSocket);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The metrics and health endpoint: plain HTTP, no client certificate, nothing of the API.
            kestrel.ListenTelemetry(telemetry.Prometheus, kestrel.ApplicationServices.GetRequiredService<TelemetryEndpointState>());
            ControlPlaneListeners.Configure(kestrel, options.Listen, tls, unixSocket);
        });

        var app = builder.Build();
        app.UseTelemetryEndpoint();
        ControlPlaneLog.WrappingKeyLoaded(app.Logger, keyring.Fingerprint, created ? "created" : "loaded", options.WrappingKeyPath);
        ControlPlaneListeners.LogEndpoints(app, options);
        app.MapControlPlaneApi();
        return app;
    }

    /// <summary>
    /// The telemetry library's endpoint (<c>/metrics</c> with the control plane's meter,
    /// <c>/healthz</c>, <c>/readyz</c>) and OTLP export when configured; <c>/readyz</c> there is the
    /// API's readiness decision (<see cref="StoreReadinessHealthCheck"/>).
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        builder.Services.AddKeylessGeoTelemetry(builder.Configuration, new TelemetrySetup
        {
            ServiceName = "keylessgeo-control-plane",
            MeterNames = [ControlPlaneInstruments.MeterName],
        });
        builder.Services.AddHealthChecks().AddCheck<StoreReadinessHealthCheck>(StoreReadinessHealthCheck.Name, tags: [HealthTags.Ready]);
    }

    private static void ThrowIfAny(List<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(ControlPlaneOptions.SectionName, typeof(ControlPlaneOptions), failures);
        }
    }

    private static ControlPlaneKeyring? LoadKeyring(string path, List<string> failures, out bool created)
    {
        try
        {
            return ControlPlaneKeyring.LoadOrCreate(path, out created);
        }
        catch (Exception ex) when (ex is WrappingKeyFileException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"{ControlPlaneOptions.SectionName}:WrappingKeyPath: {ex.Message}");
            created = false;
            return null;
        }
    }

    private static MutualTlsOptions? LoadTls(ControlPlaneListenOptions listen, List<string> failures)
    {
        if (!listen.TlsEnabled)
        {
            return null;
        }

        // Loaded here, before start, so an unreadable or malformed file is a configuration error.
        const string Section = ControlPlaneOptions.SectionName + ":Listen";
        X509Certificate2? certificate = null;
        try
        {
            certificate = MutualTls.LoadPem(listen.CertificatePath, listen.KeyPath);
        }
        catch (Exception ex) when (ex is InvalidOperationException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"{Section}:CertificatePath/KeyPath: {ex.Message}");
        }

        try
        {
            var clientCa = MutualTls.LoadPemBundle(listen.ClientCaPath);
            return certificate is null ? null : new MutualTlsOptions { ServerCertificate = certificate, TrustedClientCa = clientCa };
        }
        catch (Exception ex) when (ex is InvalidOperationException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"{Section}:ClientCaPath '{listen.ClientCaPath}': {ex.Message}");
            certificate?.Dispose();
            return null;
        }
    }

    private static UnixSocketListener? BindUnixSocket(UnixSocketOptions socket, List<string> failures)
    {
        if (!socket.Enabled)
        {
            return null;
        }

        try
        {
            var group = string.IsNullOrWhiteSpace(socket.Group) ? null : UnixAccounts.GroupId(socket.Group);
            return UnixSocketListener.Bind(socket, socket.ParsedMode!.Value, group);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            failures.Add($"{ControlPlaneOptions.SectionName}:Listen:UnixSocket:Path: cannot listen: {ex.Message}");
            return null;
        }
    }
}
