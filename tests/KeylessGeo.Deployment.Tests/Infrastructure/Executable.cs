using System.Reflection;
using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.EdgeAgent.Hosting;
using KeylessGeo.EdgeHost.Configuration;
using KeylessGeo.EdgeHost.Hosting;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Discovery;
using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.Serving.Grpc;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Telemetry;

namespace KeylessGeo.Deployment.Tests.Infrastructure;

/// <summary>
/// One of the executables a deployment runs: the DLL its image starts, the prefix of its
/// environment settings, its sections with their options types, and every setting path it accepts.
/// </summary>
/// <param name="Name">A short name (<c>keyserver</c>, <c>edge-agent</c>, <c>controlplane</c>).</param>
/// <param name="Dll">The assembly an image's entry point runs.</param>
/// <param name="EnvironmentPrefix">The prefix of its <c>PREFIX_Section__Key</c> variables.</param>
/// <param name="Sections">Each section it reads, with the options type bound there.</param>
/// <param name="KnownTopLevel">The executable's own list of accepted top-level settings (sections and file flags).</param>
internal sealed record Executable(string Name, string Dll, string EnvironmentPrefix, IReadOnlyDictionary<string, Type> Sections, IReadOnlyList<string> KnownTopLevel)
{
    /// <summary>The flags of every executable that name a file rather than a section.</summary>
    public static readonly IReadOnlySet<string> FileFlags = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "config", "gokeyless-config", "config-file" };

    public static Executable KeyServer { get; } = new(
        "keyserver",
        "KeylessGeo.KeyServer.dll",
        KeyServerApplication.EnvironmentPrefix,
        new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            [KeyServerOptions.SectionName] = typeof(KeyServerOptions),
            [ListenOptions.SectionName] = typeof(ListenOptions),
            [KeylessOptions.SectionName] = typeof(KeylessOptions),
            [GrpcOptions.SectionName] = typeof(GrpcOptions),
            [TelemetryOptions.SectionName] = typeof(TelemetryOptions),
            [ClusterOptions.SectionName] = typeof(ClusterOptions),
            [DiscoveryOptions.SectionName] = typeof(DiscoveryOptions),
        },
        KnownSectionsOf(typeof(KeyServerApplication)));

    public static Executable EdgeAgent { get; } = new(
        "edge-agent",
        "KeylessGeo.EdgeAgent.dll",
        EdgeAgentApplication.EnvironmentPrefix,
        new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            [AgentOptions.SectionName] = typeof(AgentOptions),
            [EndpointOptions.SectionName] = typeof(EndpointOptions),
            [UpstreamOptions.SectionName] = typeof(UpstreamOptions),
            [KeylessOptions.SectionName] = typeof(KeylessOptions),
            [GrpcOptions.SectionName] = typeof(GrpcOptions),
            [TelemetryOptions.SectionName] = typeof(TelemetryOptions),
        },
        KnownSectionsOf(typeof(EdgeAgentApplication)));

    public static Executable ControlPlane { get; } = new(
        "controlplane",
        "keylessgeo-controlplane.dll",
        ControlPlaneApplication.EnvironmentPrefix,
        new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            [ControlPlaneOptions.SectionName] = typeof(ControlPlaneOptions),
            [TelemetryOptions.SectionName] = typeof(TelemetryOptions),
        },
        ControlPlaneApplication.KnownSections);

    public static Executable EdgeHost { get; } = new(
        "edge-host",
        "KeylessGeo.EdgeHost.dll",
        EdgeHostApplication.EnvironmentPrefix,
        new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            [EdgeHostOptions.SectionName] = typeof(EdgeHostOptions),
            [HttpsOptions.SectionName] = typeof(HttpsOptions),
            [EngineOptions.SectionName] = typeof(EngineOptions),
            [CertificateOptions.SectionName] = typeof(List<CertificateOptions>),
            [HandshakeOptions.SectionName] = typeof(HandshakeOptions),
            [TelemetryOptions.SectionName] = typeof(TelemetryOptions),
        },
        KnownSectionsOf(typeof(EdgeHostApplication)));

    public static IReadOnlyList<Executable> All { get; } = [KeyServer, EdgeAgent, ControlPlane, EdgeHost];

    /// <summary>Every setting path (sections and their nested settings), <c>*</c> for list elements, ignoring case.</summary>
    public IReadOnlySet<string> Paths { get; } = new HashSet<string>(
        Sections.SelectMany(s => SettingPaths.Of(s.Value, s.Key)), StringComparer.OrdinalIgnoreCase);

    /// <summary>The executable whose image's entry point runs <paramref name="dll"/>, or null.</summary>
    public static Executable? ByDll(string dll) => All.FirstOrDefault(e => string.Equals(e.Dll, dll, StringComparison.Ordinal));

    /// <summary>
    /// The list an executable checks unknown settings against. The keyserver's and the agent's are
    /// internal to them; read by reflection so that a section added there and not here fails the
    /// test that compares the two.
    /// </summary>
    private static IReadOnlyList<string> KnownSectionsOf(Type application) =>
        application.GetField("KnownSections", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IReadOnlyList<string>
        ?? throw new InvalidOperationException($"{application.Name}.KnownSections not found: the test must learn where the accepted sections are listed now.");
}
