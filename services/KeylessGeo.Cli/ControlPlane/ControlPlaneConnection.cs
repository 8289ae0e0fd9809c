using System.CommandLine;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary>
/// The options every control-plane command shares: where the control plane is
/// (<c>--control-plane</c>, or <c>KEYLESSGEO_CONTROL_PLANE</c>), the mutual-TLS material for an
/// https address, the actor name for a loopback endpoint, and <c>--json</c> output.
/// </summary>
public sealed class ControlPlaneConnection
{
    /// <summary>The environment variable that gives the default <c>--control-plane</c>.</summary>
    public const string EnvironmentVariable = "KEYLESSGEO_CONTROL_PLANE";

    public Option<string?> Url { get; } = new("--control-plane")
    {
        Description = $"Control-plane URL, e.g. https://cp.example:8443 (mutual TLS) or http://127.0.0.1:8080 (loopback). Default: ${EnvironmentVariable}.",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EnvironmentVariable),
    };

    public Option<FileInfo?> Ca { get; } = new("--ca") { Description = "PEM file of the CA that issued the control plane's certificate (https).", Recursive = true };

    public Option<FileInfo?> ClientCertificate { get; } = new("--client-cert") { Description = "PEM file of this operator's client certificate (mutual TLS).", Recursive = true };

    public Option<FileInfo?> ClientKey { get; } = new("--client-key") { Description = "PEM file of the client certificate's private key.", Recursive = true };

    public Option<string?> Actor { get; } = new("--actor") { Description = "Who you are, for the audit log, on a loopback endpoint (sent as X-Actor; mutual TLS uses the certificate instead).", Recursive = true };

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
        command.Options.Add(Actor);
        command.Options.Add(Json);
        return command;
    }
}
