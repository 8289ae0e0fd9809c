using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.Placement.Secrets;
using KeylessGeo.Serving.Hosting;

namespace KeylessGeo.ControlPlane;

/// <summary>Control-plane entry point: <c>keylessgeo-controlplane --config controlplane.json [--ControlPlane:Key value ...]</c>.</summary>
public static class Program
{
    /// <summary>Runs the control plane until it is stopped; exits 2 on a configuration error (a port in use included), 1 when the store cannot be opened.</summary>
    public static Task<int> Main(string[] args)
    {
        var hardened = false;
        return ServerProgram.RunAsync(
            args,
            "keylessgeo-controlplane",
            "keylessgeo-controlplane",
            Usage,
            arguments =>
            {
                // First thing: the process is about to hold its wrapping key and, during imports,
                // private keys. Non-dumpable means no core dumps and no /proc/PID/mem or ptrace for
                // other processes of the same user.
                hardened = ProcessHardening.MakeNonDumpable();
                return ControlPlaneApplication.Create(arguments);
            },
            app =>
            {
                if (hardened)
                {
                    HostingLog.Hardened(app.Logger, ProcessHardening.DumpableFlag(), ProcessHardening.CoreFileSizeLimit());
                }
                else
                {
                    HostingLog.HardeningFailed(app.Logger, ProcessHardening.DumpableFlag());
                }
            },
            failure =>
            {
                if (failure is not StoreUnavailableException)
                {
                    return null;
                }

                Console.Error.WriteLine("keylessgeo-controlplane: cannot open the store: " + failure.Message);
                return 1;
            });
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
