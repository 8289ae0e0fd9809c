using System.Globalization;
using System.Net;
using KeylessGeo.EdgeHost.Certificates;
using KeylessGeo.EdgeHost.Configuration;
using KeylessGeo.EdgeHost.Diagnostics;
using KeylessGeo.EdgeHost.Handshakes;
using KeylessGeo.EdgeHost.OpenSsl;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Telemetry;
using KeylessGeo.Telemetry.Endpoint;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.EdgeHost.Hosting;

/// <summary>
/// Builds the edge host: configuration (a JSON file given with <c>--config</c>, then
/// <c>KEYLESSGEO_EDGEHOST_</c> environment variables, then <c>--Section:Key value</c> flags),
/// checked as a whole; the OpenSSL module and every certificate loaded before anything listens;
/// one TLS listener choosing the certificate by server name, with the handshake gate around its TLS.
/// </summary>
public static class EdgeHostApplication
{
    /// <summary>The prefix of environment variables read as settings (<c>KEYLESSGEO_EDGEHOST_Https__Port</c>).</summary>
    public const string EnvironmentPrefix = "KEYLESSGEO_EDGEHOST_";

    /// <summary>The default port of the metrics and health endpoint (keyserver 2406, agent 2408).</summary>
    public const int DefaultMetricsPort = 2409;

    /// <summary>The top-level settings the edge host reads; any other is reported at start-up as a mistake.</summary>
    internal static readonly IReadOnlyList<string> KnownSections =
    [
        EdgeHostOptions.SectionName, HttpsOptions.SectionName, EngineOptions.SectionName, CertificateOptions.SectionName,
        HandshakeOptions.SectionName, TelemetryOptions.SectionName, ConfigurationFile.Flag[2..],
    ];

    /// <summary>Builds the edge host; throws <see cref="OptionsValidationException"/> listing every configuration error.</summary>
    public static WebApplication Create(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = "KeylessGeo.EdgeHost" });
        
        // Lowest priority: the metrics port differs from the keyserver's and the agent's, and a
        // request line per response is not logged unless asked for.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PrometheusOptions.SectionName + ":Port"] = DefaultMetricsPort.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        });
        var failures = new List<string>();
        var file = ConfigurationFile.AddFromArguments(builder.Configuration, args, failures);
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(args);
        UnknownSettings.Check(file, EnvironmentPrefix, args, KnownSections, failures);
        var settings = EdgeHostSettings.Read(builder.Configuration, failures);
        var telemetry = StrictBinding.Bind<TelemetryOptions>(builder.Configuration, TelemetryOptions.SectionName, failures);
        failures.AddRange(new TelemetryOptionsValidator().Validate(null, telemetry).Failures ?? []);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException("edge-host", typeof(EdgeHostSettings), failures);
        }

        // Only once the settings are sound: the module is loaded into the process for good.
        var engine = settings.Certificates.Any(c => c.LocalKeyPath.Length == 0) ? EngineModule.Load(settings.Engine, failures) : null;
        var certificates = ServedCertificateLoader.LoadAll(settings.Certificates, engine, settings.Https, failures);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException("edge-host", typeof(EdgeHostSettings), failures);
        }

        var catalog = new CertificateCatalog(certificates);
        var minThreads = ReserveThreads(settings.Handshakes);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(sp => new HandshakeGate(settings.Handshakes, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<EdgeHostMetrics>();
        var telemetryState = new TelemetryEndpointState();
        builder.Services.AddSingleton(telemetryState);
        builder.Services.AddKeylessGeoTelemetry(builder.Configuration, new TelemetrySetup
        {
            ServiceName = "keylessgeo-edge-host",
            ServiceInstanceId = settings.HostId,
            MeterNames = [EdgeHostInstruments.MeterName],
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenTelemetry(telemetry.Prometheus, telemetryState);
            var gate = kestrel.ApplicationServices.GetRequiredService<HandshakeGate>();
            kestrel.ApplicationServices.GetRequiredService<EdgeHostMetrics>();
            var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("KeylessGeo.EdgeHost.Handshakes");
            kestrel.Listen(IPAddress.Parse(settings.Https.Address), settings.Https.Port, listen =>
            {
                listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
                listen.Use(HandshakeGateMiddleware.BeforeTls(gate, logger));
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    HandshakeTimeout = settings.Https.HandshakeTimeout,
                    OnConnection = context => ValueTask.FromResult(catalog.Select(context.ClientHelloInfo.ServerName).Options),
                });
                listen.Use(HandshakeGateMiddleware.AfterTls());
            });
        });

        var app = builder.Build();
        app.UseTelemetryEndpoint();
        var hostId = settings.HostId;
        app.Run(context => EdgeHostResponse.WriteAsync(context, hostId));
        app.Lifetime.ApplicationStarted.Register(() => OnStarted(app, settings, certificates, minThreads));
        return app;
    }

    /// <summary>
    /// Each handshake in progress may hold a worker thread while OpenSSL waits for its signature:
    /// the pool keeps that many threads beyond one per core ready, so blocked handshakes never
    /// starve the rest of the process (or wait for the pool to grow).
    /// </summary>
    private static int ReserveThreads(HandshakeOptions handshakes)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = Math.Max(workers, Environment.ProcessorCount + handshakes.MaxConcurrent);
        ThreadPool.SetMinThreads(wanted, io);
        return wanted;
    }

    private static void OnStarted(WebApplication app, EdgeHostSettings settings, List<(CertificateOptions Options, ServedCertificate Served)> certificates, int minThreads)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KeylessGeo.EdgeHost");
        foreach (var (options, served) in certificates)
        {
            var where = served.Keyless ? $"in a keyserver, through the OpenSSL module '{settings.Engine.Id}'" : $"on local disk ({options.LocalKeyPath})";
            EdgeHostLog.CertificateLoaded(logger, served.Subject, where);
        }

        var telemetryPort = app.Services.GetRequiredService<TelemetryEndpointState>().BaseAddress?.Port;
        var https = app.Urls.FirstOrDefault(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Port != telemetryPort) ?? "";
        EdgeHostLog.Started(
            logger,
            settings.HostId,
            https.Replace("http://", "https://", StringComparison.Ordinal),
            settings.Https.MinimumTlsVersion,
            certificates.Count(c => c.Served.Keyless),
            certificates.Count(c => !c.Served.Keyless),
            settings.Handshakes.MaxConcurrent,
            minThreads);
    }
}
