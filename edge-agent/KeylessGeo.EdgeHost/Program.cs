using KeylessGeo.EdgeHost.Hosting;
using KeylessGeo.Serving.Hosting;

namespace KeylessGeo.EdgeHost;

/// <summary>Edge host entry point: <c>KeylessGeo.EdgeHost --config edge-host.json [--Section:Key value ...]</c>.</summary>
public static class Program
{
    /// <summary>Runs the edge host until it is stopped; exits 2 on a configuration error.</summary>
    public static Task<int> Main(string[] args) =>
        ServerProgram.RunAsync(args, "keylessgeo-edge-host", "edge-host", Usage, EdgeHostApplication.Create);

    private const string Usage = """
        keylessgeo-edge-host: terminates TLS for certificates whose private keys live only in keyservers.

        Usage:
          KeylessGeo.EdgeHost [--config edge-host.json] [--Section:Key value ...]
          KeylessGeo.EdgeHost --help | --version

        Settings come from the JSON file, then KEYLESSGEO_EDGEHOST_Section__Key environment variables,
        then --Section:Key flags. Sections: Host, Https, Engine, Certificates, Handshakes, Telemetry,
        Logging. Every setting is described in docs/EDGE-HOST.md. Configuration errors are listed and
        the program exits with 2.
        """;
}
