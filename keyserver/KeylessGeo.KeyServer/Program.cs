using KeylessGeo.KeyServer.Configuration.Gokeyless;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.Placement.Secrets;
using KeylessGeo.Serving.Hosting;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer;

/// <summary>
/// Keyserver entry point: <c>KeylessGeo.KeyServer --config keyserver.json [--Section:Key value ...]</c>,
/// or from a gokeyless configuration: <c>KeylessGeo.KeyServer --gokeyless-config /etc/keyless/gokeyless.yaml</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs the keyserver until it is stopped; exits 2 on a configuration error.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (ProgramInfo.TryAnswer(args, "keylessgeo-keyserver", Usage, Console.Out))
        {
            return 0;
        }

        // Keep private keys out of core dumps and away from ptrace by other users.
        var hardened = ProcessHardening.MakeNonDumpable();
        WebApplication app;
        try
        {
            app = KeyServerApplication.Create(args);
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("keyserver: the configuration has errors:");
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync("  - " + failure);
            }

            return 2;
        }

        GokeylessConfiguration.LogStartup(app.Configuration, app.Logger);
        if (hardened)
        {
            KeyServerLog.ProcessHardened(app.Logger, ProcessHardening.DumpableFlag(), ProcessHardening.CoreFileSizeLimit());
        }
        else
        {
            KeyServerLog.ProcessHardeningFailed(app.Logger, ProcessHardening.DumpableFlag());
        }

        await using (app)
        {
            try
            {
                await app.RunAsync();
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
            {
                // A port in use (or an address this host does not have) is a configuration error too.
                await Console.Error.WriteLineAsync("keyserver: the configuration has errors:");
                await Console.Error.WriteLineAsync("  - cannot listen: " + e.Message);
                return 2;
            }
        }

        return 0;
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
