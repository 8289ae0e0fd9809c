using KeylessGeo.EdgeAgent.Hosting;
using KeylessGeo.Serving.Hosting;

namespace KeylessGeo.EdgeAgent;

/// <summary>Edge agent entry point: <c>KeylessGeo.EdgeAgent --config edge-agent.json [--Section:Key value ...]</c>.</summary>
public static class Program
{
    /// <summary>Runs the agent until it is stopped; exits 2 on a configuration error.</summary>
    public static Task<int> Main(string[] args) =>
        ServerProgram.RunAsync(args, "keylessgeo-edge-agent", "edge-agent", Usage, arguments => EdgeAgentApplication.Create(arguments));

    private const string Usage = """
        keylessgeo-edge-agent: the TLS terminator's local endpoint; passes signing requests to keyservers.

        Usage:
          KeylessGeo.EdgeAgent [--config edge-agent.json] [--Section:Key value ...]
          KeylessGeo.EdgeAgent --help | --version

        Settings come from the JSON file, then KEYLESSGEO_AGENT_Section__Key environment variables,
        then --Section:Key flags. Sections: Agent, Endpoint, Upstreams, Keyless, Grpc, Telemetry,
        Logging. Every setting is described in docs/EDGE-AGENT.md. Configuration errors are listed
        and the program exits with 2.
        """;
}
