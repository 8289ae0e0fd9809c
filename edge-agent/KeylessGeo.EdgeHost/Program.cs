using KeylessGeo.EdgeHost.Hosting;
using KeylessGeo.Serving.Hosting;
using Microsoft.Extensions.Options;

namespace KeylessGeo.EdgeHost;

/// <summary>Edge host entry point: <c>KeylessGeo.EdgeHost --config edge-host.json [--Section:Key value ...]</c>.</summary>
public static class Program
{
    /// <summary>Runs the edge host until it is stopped; exits 2 on a configuration error.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (ProgramInfo.TryAnswer(args, "keylessgeo-edge-host", Usage, Console.Out))
        {
            return 0;
        }

        WebApplication app;
        try
        {
            app = EdgeHostApplication.Create(args);
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("edge-host: the configuration has errors:");
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
                // A port in use is a configuration error too.
                await Console.Error.WriteLineAsync("edge-host: the configuration has errors:");
                await Console.Error.WriteLineAsync("  - cannot listen: " + e.Message);
                return 2;
            }
        }

        return 0;
    }

    private const string Usage = """
        keylessgeo-edge-host: terminates TLS for certificates whose private keys live only in keyservers.

        Usage:
          KeylessGeo.EdgeHost [--config edge-host.json] [--Section:Key value ...]
          KeylessGeo.EdgeHost --help | --version

        Settings come from the JSON file, then KEYLESSGEO_EDGEHOST_Section__Key environment variables,
        then --Section:Key flags. Sections: Host, Https, Engine, Certificates, Handshakes, Telemetry,
        Logging. Every setting is described in docs/EDGE-TLS.md. Configuration errors are listed and
        the program exits with 2.
        """;
}
