using KeylessGeo.KeyServer.Configuration.Gokeyless;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.Placement.Secrets;
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
            await app.RunAsync();
        }

        return 0;
    }
}
