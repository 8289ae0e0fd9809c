using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Telemetry;
using Microsoft.Extensions.Configuration;

namespace KeylessGeo.Deployment.Tests.Infrastructure;

/// <summary>
/// The settings one deployed process gets (its JSON file, then its environment variables, as the
/// executable layers them), bound to the executable's real options types with unknown keys and
/// wrong types as errors, and what follows from them: the ports it listens on, the files it reads.
/// </summary>
internal sealed class DeployedSettings
{
    private readonly Dictionary<string, object> _sections = new(StringComparer.OrdinalIgnoreCase);

    private DeployedSettings(Executable executable, IConfiguration configuration)
    {
        Executable = executable;
        Configuration = configuration;
    }

    public Executable Executable { get; }

    public IConfiguration Configuration { get; }

    /// <summary>
    /// Layers <paramref name="jsonFile"/> (a host path, or null) and <paramref name="environment"/>
    /// (the executable's prefixed variables; others are ignored) and binds every section;
    /// <paramref name="problems"/> gets each unknown setting and each value that does not bind.
    /// </summary>
    public static DeployedSettings Bind(Executable executable, string? jsonFile, IReadOnlyDictionary<string, string> environment, List<string> problems)
    {
        var builder = new ConfigurationBuilder();
        if (jsonFile is not null)
        {
            builder.AddJsonFile(jsonFile, optional: false, reloadOnChange: false);
        }

        var variables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith(executable.EnvironmentPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var key = name[executable.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal);
            if (!SettingPaths.Accepts(executable.Paths, key))
            {
                problems.Add($"{name}: '{key}' is not a setting of the {executable.Name}.");
            }

            variables[key] = value;
        }

        var configuration = builder.AddInMemoryCollection(variables).Build();
        foreach (var leaf in configuration.AsEnumerable().Where(pair => pair.Value is not null))
        {
            var top = leaf.Key.Split(':')[0];
            if (!UnknownSettings.HostSections.Contains(top, StringComparer.OrdinalIgnoreCase) && !SettingPaths.Accepts(executable.Paths, leaf.Key))
            {
                problems.Add($"{jsonFile ?? "environment"}: '{leaf.Key}' is not a setting of the {executable.Name}.");
            }
        }

        var settings = new DeployedSettings(executable, configuration);
        foreach (var (section, type) in executable.Sections)
        {
            try
            {
                settings._sections[section] = configuration.GetSection(section).Get(type, o => o.ErrorOnUnknownConfiguration = true) ?? Activator.CreateInstance(type)!;
            }
            catch (InvalidOperationException e)
            {
                problems.Add($"{executable.Name} {section}: {e.Message} {e.InnerException?.Message}");
                settings._sections[section] = Activator.CreateInstance(type)!;
            }
        }

        return settings;
    }

    /// <summary>The bound options of <paramref name="section"/>.</summary>
    public T Section<T>(string section) => (T)_sections[section];

    /// <summary>Each TCP port the process listens on, with the address and what it is.</summary>
    public IReadOnlyList<(int Port, string Address, string What)> Listeners()
    {
        var listeners = new List<(int, string, string)>();
        TelemetryOptions? telemetry = null;
        if (Executable == Executable.KeyServer)
        {
            var listen = Section<ListenOptions>(ListenOptions.SectionName);
            var keyless = Section<KeylessOptions>(KeylessOptions.SectionName).WithDefaultsFrom(listen);
            var cluster = Section<ClusterOptions>(ClusterOptions.SectionName);
            AddIf(listeners, listen.Port, listen.Address, "grpc");
            AddIf(listeners, keyless.IsListening ? keyless.Port : -1, keyless.Address, "keyless");
            AddIf(listeners, cluster.Enabled && cluster.Silo.Enabled ? cluster.Silo.Port : -1, cluster.Silo.Address, "silo");
            telemetry = Section<TelemetryOptions>(TelemetryOptions.SectionName);
        }
        else if (Executable == Executable.EdgeAgent)
        {
            var endpoint = Section<EndpointOptions>(EndpointOptions.SectionName);
            AddIf(listeners, endpoint.KeylessPort, "127.0.0.1", "keyless");
            AddIf(listeners, endpoint.GrpcPort, "127.0.0.1", "grpc");
            telemetry = Section<TelemetryOptions>(TelemetryOptions.SectionName);
        }
        else if (Executable == Executable.EdgeHost)
        {
            var https = Section<KeylessGeo.EdgeHost.Configuration.HttpsOptions>(KeylessGeo.EdgeHost.Configuration.HttpsOptions.SectionName);
            AddIf(listeners, https.Port, https.Address, "tls");
            telemetry = Section<TelemetryOptions>(TelemetryOptions.SectionName);
        }
        else
        {
            var listen = Section<ControlPlaneOptions>(ControlPlaneOptions.SectionName).Listen;
            AddIf(listeners, listen.Port, listen.Address, "api");
            telemetry = Section<TelemetryOptions>(TelemetryOptions.SectionName);
        }

        if (telemetry?.Prometheus is { Enabled: true } prometheus)
        {
            // The agent's, the edge host's and the control plane's defaults differ from the keyserver's; each executable applies its own below every source.
            var port = Configuration["Telemetry:Prometheus:Port"] is not null ? prometheus.Port
                : Executable == Executable.EdgeAgent ? KeylessGeo.EdgeAgent.Hosting.EdgeAgentApplication.DefaultMetricsPort
                : Executable == Executable.EdgeHost ? KeylessGeo.EdgeHost.Hosting.EdgeHostApplication.DefaultMetricsPort
                : Executable == Executable.ControlPlane ? ControlPlaneApplication.DefaultMetricsPort
                : prometheus.Port;
            AddIf(listeners, port, prometheus.Address, "metrics");
        }

        return listeners;
    }

    /// <summary>Every setting whose name ends in <c>Path</c> (a file the process reads), with its value.</summary>
    public IEnumerable<(string Key, string Value)> FilePaths() =>
        Configuration.AsEnumerable()
            .Where(pair => pair.Value is { Length: > 0 } && pair.Key.EndsWith("Path", StringComparison.Ordinal) && !pair.Key.Contains("UnixSocket", StringComparison.Ordinal))
            .Select(pair => (pair.Key, pair.Value!));

    private static void AddIf(List<(int, string, string)> listeners, int port, string address, string what)
    {
        if (port > 0)
        {
            listeners.Add((port, address, what));
        }
    }
}
