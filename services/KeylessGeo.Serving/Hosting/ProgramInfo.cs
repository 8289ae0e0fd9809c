using System.Reflection;

namespace KeylessGeo.Serving.Hosting;

/// <summary>
/// <c>--help</c> and <c>--version</c> for an executable: answered before any configuration is read,
/// so they work whatever the settings are.
/// </summary>
public static class ProgramInfo
{
    /// <summary>
    /// Writes the usage or the version to <paramref name="output"/> when <paramref name="args"/>
    /// asks for it, and returns true; false when the program should run.
    /// </summary>
    public static bool TryAnswer(string[] args, string program, string usage, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            output.WriteLine(usage.TrimEnd());
            return true;
        }

        if (args.Any(a => a is "--version"))
        {
            output.WriteLine($"{program} {Version(Assembly.GetEntryAssembly())}");
            return true;
        }

        return false;
    }

    /// <summary>The assembly's informational version (the build's version and commit, when stamped).</summary>
    public static string Version(Assembly? assembly) =>
        assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly?.GetName().Version?.ToString()
        ?? "unknown";
}
