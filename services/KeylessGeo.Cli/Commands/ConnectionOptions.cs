using System.CommandLine;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Cli.Commands;

/// <summary>The options every command that talks to a keyserver shares: where, and which mTLS material.</summary>
public sealed class ConnectionOptions
{
    /// <summary>The keyserver's address.</summary>
    public Option<Uri> Address { get; } = new("--address")
    {
        Description = "Keyserver address, e.g. https://keyserver.example:7443.",
        Required = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
            {
                return uri;
            }

            result.AddError($"--address '{text}' is not an https:// address such as https://keyserver.example:7443");
            return null;
        },
    };

    /// <summary>The CA bundle that issued the keyserver's certificate.</summary>
    public Option<FileInfo> Ca { get; } = new("--ca") { Description = "PEM file of the CA that issued the keyserver's certificate.", Required = true };

    /// <summary>The client certificate.</summary>
    public Option<FileInfo> Certificate { get; } = new("--cert") { Description = "PEM file of this client's certificate (mutual TLS).", Required = true };

    /// <summary>The client certificate's private key.</summary>
    public Option<FileInfo> Key { get; } = new("--key") { Description = "PEM file of this client's private key.", Required = true };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Address);
        command.Options.Add(Ca);
        command.Options.Add(Certificate);
        command.Options.Add(Key);
    }

    /// <summary>Opens a channel from the parsed options.</summary>
    public RpcChannel Open(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new RpcChannel(new RpcChannelOptions
        {
            Address = parse.GetValue(Address)!,
            ClientCertificate = MutualTls.LoadPem(parse.GetValue(Certificate)!.FullName, parse.GetValue(Key)!.FullName),
            TrustedCa = MutualTls.LoadPemBundle(parse.GetValue(Ca)!.FullName),
        });
    }
}
