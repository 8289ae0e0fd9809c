using System.CommandLine;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary>
/// The options every control-plane command shares: where the control plane is
/// (<c>--control-plane</c>, else <c>KEYLESSGEO_CONTROL_PLANE</c>, else the local socket
/// <see cref="DefaultSocketPath"/>), the mutual-TLS material for an https address, and
/// <c>--json</c> output. Who you are is never an option: the control plane records your
/// client certificate's subject, or your uid on the Unix socket.
/// </summary>
public sealed class ControlPlaneConnection
{
    /// <summary>The environment variable that gives the default <c>--control-plane</c>.</summary>
    public const string EnvironmentVariable = "KEYLESSGEO_CONTROL_PLANE";

    /// <summary>The control plane's Unix socket in the sample configuration, used when nothing else is given.</summary>
    public const string DefaultSocketPath = "/run/keylessgeo/controlplane.sock";

    public Option<string?> Url { get; } = new("--control-plane")
    {
        Description = $"Where the control plane is: unix:/path/to/controlplane.sock (local; your uid is your identity), https://cp.example:8443 (mutual TLS; your certificate is your identity) or http://127.0.0.1:PORT (read-only). Default: ${EnvironmentVariable}, else unix:{DefaultSocketPath}.",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : "unix:" + DefaultSocketPath,
    };

    public Option<FileInfo?> Ca { get; } = new("--ca") { Description = "PEM file of the CA that issued the control plane's certificate (https).", Recursive = true };

    public Option<FileInfo?> ClientCertificate { get; } = new("--client-cert") { Description = "PEM file of this operator's client certificate (mutual TLS).", Recursive = true };

    public Option<FileInfo?> ClientKey { get; } = new("--client-key") { Description = "PEM file of the client certificate's private key.", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the control plane's JSON answer instead of text.", Recursive = true };

    /// <summary>Adds the options to <paramref name="command"/> (recursive: its subcommands take them too).</summary>
    public T AddTo<T>(T command)
        where T : Command
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Url);
        command.Options.Add(Ca);
        command.Options.Add(ClientCertificate);
        command.Options.Add(ClientKey);
        command.Options.Add(Json);
        return command;
    }
}
