using System.Globalization;
using System.Net;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.EdgeAgent.Diagnostics;
using KeylessGeo.EdgeAgent.Discovery;
using KeylessGeo.EdgeAgent.Routing;
using KeylessGeo.EdgeAgent.Upstreams;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Diagnostics;
using KeylessGeo.Serving.Grpc;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Serving.Signing;
using KeylessGeo.Serving.Tracing;
using KeylessGeo.Telemetry;
using KeylessGeo.Telemetry.Endpoint;
using KeylessGeo.Telemetry.Health;
using KeylessGeo.Transport.Kestrel;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.EdgeAgent.Hosting;

/// <summary>
/// Builds the edge agent: configuration (a JSON file given with <c>--config</c>, then
/// <c>KEYLESSGEO_AGENT_</c> environment variables, then <c>--Section:Key value</c> flags), checked
/// as a whole; the shared Keyless and gRPC listeners on the configured Unix sockets and loopback
/// ports; and the upstream pool, discovery and routing behind them.
/// </summary>
public static class EdgeAgentApplication
{
    /// <summary>The prefix of environment variables read as settings (<c>KEYLESSGEO_AGENT_Agent__Id</c>).</summary>
    public const string EnvironmentPrefix = "KEYLESSGEO_AGENT_";

    /// <summary>The default port of the agent's metrics and health endpoint (the keyserver's is 2406).</summary>
    public const int DefaultMetricsPort = 2408;

    /// <summary>The top-level settings the agent reads; any other is reported at start-up as a mistake.</summary>
    internal static readonly IReadOnlyList<string> KnownSections =
    [
        AgentOptions.SectionName, EndpointOptions.SectionName, UpstreamOptions.SectionName, KeylessOptions.SectionName,
        GrpcOptions.SectionName, TelemetryOptions.SectionName, ConfigurationFile.Flag[2..],
    ];

    /// <summary>Builds the agent; throws <see cref="OptionsValidationException"/> listing every configuration error.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = "KeylessGeo.EdgeAgent" });

        // Lowest priority: the agent's metrics port differs from the keyserver's (2406), so both fit on one node.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [PrometheusOptions.SectionName + ":Port"] = DefaultMetricsPort.ToString(CultureInfo.InvariantCulture) });
        var failures = new List<string>();
        var file = ConfigurationFile.AddFromArguments(builder.Configuration, args, failures);
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder);
        UnknownSettings.Check(file, EnvironmentPrefix, args, KnownSections, failures);
        var settings = EdgeAgentSettings.Read(builder.Configuration, failures);
        var grpc = StrictBinding.Bind<GrpcOptions>(builder.Configuration, GrpcOptions.SectionName, failures);
        failures.AddRange(new GrpcOptionsValidator().Validate(null, grpc).Failures ?? []);
        var telemetry = StrictBinding.Bind<TelemetryOptions>(builder.Configuration, TelemetryOptions.SectionName, failures);
        failures.AddRange(new TelemetryOptionsValidator().Validate(null, telemetry).Failures ?? []);
        var tls = LoadTls(settings.Upstreams, failures);
        PrepareSockets(settings.Endpoint, failures);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException("edge-agent", typeof(EdgeAgentSettings), failures);
        }

        AddServices(builder.Services, builder.Configuration, settings, tls!);
        var telemetryState = new TelemetryEndpointState();
        builder.Services.AddSingleton(telemetryState);
        builder.Services.AddKeylessGeoTelemetry(builder.Configuration, new TelemetrySetup
        {
            ServiceName = "keylessgeo-edge-agent",
            ServiceInstanceId = settings.Agent.Id,
            MeterNames = [EdgeAgentInstruments.MeterName],
            ActivitySourceNames = [SigningTrace.SourceName],
        });
        builder.Services.AddHealthChecks().AddCheck<UpstreamsHealthCheck>(UpstreamsHealthCheck.Name, tags: [HealthTags.Ready]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenTelemetry(telemetry.Prometheus, telemetryState);
            GrpcKestrelLimits.Apply(kestrel.Limits, grpc);
            var endpoint = settings.Endpoint;
            var keylessState = kestrel.ApplicationServices.GetRequiredService<KeylessListenerState>();
            kestrel.ListenKeylessLocal(
                endpoint.KeylessUnixSocket.Length > 0 ? endpoint.KeylessUnixSocket : null,
                endpoint.KeylessPort >= 0 ? new IPEndPoint(IPAddress.Loopback, endpoint.KeylessPort) : null,
                keylessState);
            if (endpoint.GrpcPort >= 0 || endpoint.GrpcUnixSocket.Length > 0)
            {
                kestrel.ListenGrpc(new GrpcListenOptions
                {
                    PlaintextEndpoint = endpoint.GrpcPort >= 0 ? new IPEndPoint(IPAddress.Loopback, endpoint.GrpcPort) : null,
                    UnixSocketPath = endpoint.GrpcUnixSocket.Length > 0 ? endpoint.GrpcUnixSocket : null,
                    BeforeTls = GrpcKestrelLimits.BeforeTls,
                    AfterTls = GrpcKestrelLimits.AfterTls(grpc),
                });
            }
        });

        var app = builder.Build();
        app.UseTelemetryEndpoint();
        app.Services.GetRequiredService<DescriptorBudget>();
        app.MapKeyServer();
        app.Lifetime.ApplicationStarted.Register(() => OnStarted(app, settings));
        return app;
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration, EdgeAgentSettings settings, UpstreamTls tls)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton(Options.Create(settings.Agent));
        services.AddSingleton(Options.Create(settings.Endpoint));
        services.AddSingleton(Options.Create(settings.Upstreams));
        services.AddSingleton(new ServingMeter(EdgeAgentInstruments.MeterName));
        services.AddSingleton(new ServingIdentity(settings.Agent.Id, settings.Agent.Datacenter));
        services.AddSingleton(tls);
        services.AddSingleton<EdgeAgentMetrics>();
        services.AddSingleton<UpstreamFactory>();
        services.AddSingleton<UpstreamPool>();
        services.AddSingleton<ISigningService, EdgeSigningService>();
        services.AddSigningTracing();
        services.AddSingleton<KeylessListenerState>();
        services.AddHostedService<KeyserverDiscoveryService>();
        services.AddKeylessListener(configuration);
        services.AddKeyServerGrpc(configuration);
    }

    private static void OnStarted(WebApplication app, EdgeAgentSettings settings)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KeylessGeo.EdgeAgent");
        var endpoint = settings.Endpoint;
        EdgeAgentSettingsValidator.TryParseSocketMode(endpoint.SocketMode, out var mode);
        foreach (var path in new[] { endpoint.KeylessUnixSocket, endpoint.GrpcUnixSocket }.Where(p => p.Length > 0))
        {
            UnixSocketFiles.SetMode(path, mode);
            EdgeAgentLog.SocketMode(logger, path, endpoint.SocketMode);
        }

        var keylessEndPoint = app.Services.GetRequiredService<KeylessListenerState>().EndPoint;
        var keyless = keylessEndPoint?.ToString();

        // Kestrel lists every address it bound: the Keyless and telemetry ports are not gRPC, and
        // the Unix sockets are named from the settings.
        var telemetryPort = app.Services.GetRequiredService<TelemetryEndpointState>().BaseAddress?.Port;
        var grpcUrls = app.Urls.Where(url => !url.Contains("unix:", StringComparison.Ordinal)
            && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Port != keylessEndPoint?.Port && uri.Port != telemetryPort);
        EdgeAgentLog.Started(
            logger,
            settings.Agent.Id,
            settings.Agent.Datacenter,
            string.Join(", ", new[] { endpoint.KeylessUnixSocket, keyless ?? "" }.Where(e => e.Length > 0)),
            string.Join(", ", new[] { endpoint.GrpcUnixSocket }.Concat(grpcUrls).Where(e => e.Length > 0)),
            settings.Upstreams.LocalKeyserver.Length > 0 ? settings.Upstreams.LocalKeyserver : "none",
            settings.Upstreams.Keyservers.Count,
            settings.Upstreams.Discover ? "on" : "off");
    }

    private static UpstreamTls? LoadTls(UpstreamOptions upstreams, List<string> failures)
    {
        try
        {
            return UpstreamTls.Load(upstreams);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Security.Cryptography.CryptographicException)
        {
            failures.Add($"{UpstreamOptions.SectionName}: the client certificate, key or CA cannot be loaded: {e.Message}");
            return null;
        }
    }

    private static void PrepareSockets(EndpointOptions endpoint, List<string> failures)
    {
        foreach (var (setting, path) in new[] { ("Endpoint:KeylessUnixSocket", endpoint.KeylessUnixSocket), ("Endpoint:GrpcUnixSocket", endpoint.GrpcUnixSocket) })
        {
            if (path.Length > 0 && Path.IsPathFullyQualified(path) && UnixSocketFiles.Prepare(setting, path) is { } error)
            {
                failures.Add(error);
            }
        }
    }
}
