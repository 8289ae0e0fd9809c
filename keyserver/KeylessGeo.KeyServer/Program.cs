using KeylessGeo.KeyServer.Configuration.Gokeyless;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.Placement.Secrets;
using KeylessGeo.Serving.Hosting;

namespace KeylessGeo.KeyServer;

/// <summary>
/// Keyserver entry point: <c>KeylessGeo.KeyServer --config keyserver.json [--Section:Key value ...]</c>,
/// or from a gokeyless configuration: <c>KeylessGeo.KeyServer --gokeyless-config /etc/keyless/gokeyless.yaml</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs the keyserver until it is stopped; exits 2 on a configuration error.</summary>
    public static Task<int> Main(string[] args)
    {
        var hardened = false;
        return ServerProgram.RunAsync(
            args,
            "keylessgeo-keyserver",
            "keyserver",
            Usage,
            arguments =>
            {
                // Keep private keys out of core dumps and away from ptrace by other users.
                hardened = ProcessHardening.MakeNonDumpable();
                return KeyServerApplication.Create(arguments);
            },
            app =>
            {
                GokeylessConfiguration.LogStartup(app.Configuration, app.Logger);
                if (hardened)
                {
                    KeyServerLog.ProcessHardened(app.Logger, ProcessHardening.DumpableFlag(), ProcessHardening.CoreFileSizeLimit());
                }
                else
                {
                    KeyServerLog.ProcessHardeningFailed(app.Logger, ProcessHardening.DumpableFlag());
                }
            });
    }

    private const string Usage = """
        keylessgeo-keyserver: performs private-key operations for TLS terminators (Keyless protocol and gRPC).

        Usage:
          KeylessGeo.KeyServer [--config keyserver.json] [--Section:Key value ...]
          KeylessGeo.KeyServer --gokeyless-config /etc/keyless/gokeyless.yaml [--Section:Key value ...]
          KeylessGeo.KeyServer --help | --version

        Settings come from the JSON file, then KEYLESSGEO_Section__Key environment variables, then
        --Section:Key flags. Sections: KeyServer, Listen, Keyless, Grpc, Telemetry, Cluster, Discovery,
        Logging. Every setting is described in docs/CONFIGURATION.md. Configuration errors are listed
        and the program exits with 2.
        """;
}
