using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.Placement.Secrets;
using Microsoft.Extensions.Options;

namespace KeylessGeo.ControlPlane;

/// <summary>Control-plane entry point: <c>keylessgeo-controlplane --config controlplane.json [--ControlPlane:Key value ...]</c>.</summary>
public static class Program
{
    /// <summary>Runs the control plane until it is stopped; exits 2 on a configuration error, 1 when the store cannot be opened or an endpoint cannot be bound.</summary>
    public static async Task<int> Main(string[] args)
    {
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
            await Console.Error.WriteLineAsync("keylessgeo-controlplane: the configuration has errors:");
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync("  - " + failure);
            }

            return 2;
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
                await Console.Error.WriteLineAsync("keylessgeo-controlplane: cannot listen: " + ex.Message);
                return 1;
            }
        }

        return 0;
    }
}
