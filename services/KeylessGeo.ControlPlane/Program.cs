using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.Placement.Secrets;
using KeylessGeo.Serving.Hosting;
using Microsoft.Extensions.Options;

namespace KeylessGeo.ControlPlane;

/// <summary>Control-plane entry point: <c>keylessgeo-controlplane --config controlplane.json [--ControlPlane:Key value ...]</c>.</summary>
public static class Program
{
    /// <summary>Runs the control plane until it is stopped; exits 2 on a configuration error (a port in use included), 1 when the store cannot be opened.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (ProgramInfo.TryAnswer(args, "keylessgeo-controlplane", Usage, Console.Out))
        {
            return 0;
        }

        // First thing: the process is about to hold its wrapping key and, during imports, private
        // keys. Non-dumpable means no core dumps and no /proc/PID/mem or ptrace for other processes
        // of the same user.
        var hardened = ProcessHardening.MakeNonDumpable();
        WebApplication app;
        try
        {
            app = ControlPlaneApplication.Create(args);
        }
        catch (OptionsValidationException ex)
        {
            return await ReportAsync(ex.Failures);
        }

        if (hardened)
        {
            HostingLog.Hardened(app.Logger, ProcessHardening.DumpableFlag(), ProcessHardening.CoreFileSizeLimit());
        }
        else
        {
            HostingLog.HardeningFailed(app.Logger, ProcessHardening.DumpableFlag());
        }

        await using (app)
        {
            try
            {
                await app.RunAsync();
            }
            catch (StoreUnavailableException ex)
            {
                await Console.Error.WriteLineAsync("keylessgeo-controlplane: cannot open the store: " + ex.Message);
                return 1;
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
            {
                // A port in use (or an address this host does not have) is a configuration error too.
                return await ReportAsync(["cannot listen: " + ex.Message]);
            }
        }

        return 0;
    }

    private static async Task<int> ReportAsync(IEnumerable<string> failures)
    {
        await Console.Error.WriteLineAsync("keylessgeo-controlplane: the configuration has errors:");
        foreach (var failure in failures)
        {
            await Console.Error.WriteLineAsync("  - " + failure);
        }

        return 2;
    }

    private const string Usage = """
        keylessgeo-controlplane: topology, policies, keys and audit for a KeylessGeo cluster (HTTP API).

        Usage:
          keylessgeo-controlplane [--config controlplane.json] [--ControlPlane:Key value ...]
          keylessgeo-controlplane --help | --version

        Settings come from the JSON file, then KEYLESSGEO_ControlPlane__Key environment variables,
        then --ControlPlane:Key flags. Sections: ControlPlane, Logging. Every setting is described in
        docs/CONFIGURATION.md. Configuration errors (a port in use included) are listed and the
        program exits with 2; a store that cannot be opened exits with 1.
        """;
}
