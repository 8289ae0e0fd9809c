namespace KeylessGeo.Cli.Demo.Processes;

/// <summary>
/// Where the demo finds the <c>dotnet</c> host and the executables it starts: the assemblies of
/// the control plane, the keyserver, the edge agent and the edge host are built next to the CLI (it references
/// their projects), each with its own <c>.runtimeconfig.json</c> and <c>.deps.json</c>.
/// </summary>
public static class DotnetHost
{
    /// <summary>The control plane's assembly.</summary>
    public const string ControlPlane = "keylessgeo-controlplane.dll";

    /// <summary>The keyserver's assembly.</summary>
    public const string KeyServer = "KeylessGeo.KeyServer.dll";

    /// <summary>The edge agent's assembly.</summary>
    public const string EdgeAgent = "KeylessGeo.EdgeAgent.dll";

    /// <summary>The edge host's assembly (the TLS terminator).</summary>
    public const string EdgeHost = "KeylessGeo.EdgeHost.dll";

    /// <summary>
    /// The <c>dotnet</c> executable: <c>DOTNET_HOST_PATH</c> (set by <c>dotnet run</c> and
    /// <c>dotnet test</c>), else this process's own host when it runs under <c>dotnet</c>, else
    /// <c>dotnet</c> from PATH.
    /// </summary>
    public static string Executable
    {
        get
        {
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host)
            {
                return host;
            }

            var self = Environment.ProcessPath;
            return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }
    }

    /// <summary>The full path of <paramref name="assembly"/> beside the CLI, or a clear error when it was not built.</summary>
    public static string Assembly(string assembly)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assembly);
        return File.Exists(path) && File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json"))
            ? path
            : throw new DemoException($"{assembly} is not built next to the CLI in {AppContext.BaseDirectory}; build with 'dotnet build services/KeylessGeo.Cli -c Release' (scripts/demo.sh does)");
    }
}
