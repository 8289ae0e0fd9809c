using KeylessGeo.EdgeAgent.Hosting;
using KeylessGeo.Serving.Hosting;
using Microsoft.Extensions.Options;

namespace KeylessGeo.EdgeAgent;

/// <summary>Edge agent entry point: <c>KeylessGeo.EdgeAgent --config edge-agent.json [--Section:Key value ...]</c>.</summary>
public static class Program
{
    /// <summary>Runs the agent until it is stopped; exits 2 on a configuration error.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (ProgramInfo.TryAnswer(args, "keylessgeo-edge-agent", Usage, Console.Out))
        {
            return 0;
        }

        WebApplication app;
        try
        {
            app = EdgeAgentApplication.Create(args);
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("edge-agent: the configuration has errors:");
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync("  - " + failure);
            }

            return 2;
        }

        await using (app)
        {
            try
            {
                await app.RunAsync();
            }
            catch (IOException e)
            {
                // A port in use or a socket path that cannot be bound is a configuration error too.
                await Console.Error.WriteLineAsync("edge-agent: the configuration has errors:");
                await Console.Error.WriteLineAsync("  - cannot listen: " + e.Message);
                return 2;
            }
        }

        return 0;
    }

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
