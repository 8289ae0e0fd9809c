using System.CommandLine;
using Grpc.Net.Client;
using KeylessGeo.Transport.Channels;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Cli.Commands;

/// <summary>
/// The options every command that talks to a keyserver shares: where (an https address with mutual
/// TLS, or a Unix domain socket), and which mutual-TLS material.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>The keyserver's address.</summary>
    public Option<string> Address { get; } = new("--address")
    {
        Description = "Keyserver address: https://keyserver.example:7443 (mutual TLS) or unix:/run/keylessgeo/keyserver.sock.",
        Required = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            try
            {
                _ = ChannelAddress.Parse(text, allowInsecure: false);
                return text;
            }
            catch (ArgumentException ex)
            {
                result.AddError($"--address: {ex.Message}");
                return null;
            }
        },
    };

    /// <summary>The CA bundle that issued the keyserver's certificate.</summary>
    public Option<FileInfo?> Ca { get; } = new("--ca") { Description = "PEM file of the CA that issued the keyserver's certificate (https addresses)." };

    /// <summary>The client certificate.</summary>
    public Option<FileInfo?> Certificate { get; } = new("--cert") { Description = "PEM file of this client's certificate (mutual TLS, https addresses)." };

    /// <summary>The client certificate's private key.</summary>
    public Option<FileInfo?> Key { get; } = new("--key") { Description = "PEM file of this client's private key (https addresses)." };

    /// <summary>Adds the options to <paramref name="command"/>, with the check that TLS addresses have their material.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Address);
        command.Options.Add(Ca);
        command.Options.Add(Certificate);
        command.Options.Add(Key);
        command.Validators.Add(result =>
        {
            // The raw token: a malformed address has its own error, and reading its value would throw.
            if (result.GetResult(Address) is not { Tokens: [var token] } || !token.Value.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            foreach (var option in new[] { Ca, Certificate, Key })
            {
                if (result.GetValue(option) is null)
                {
                    result.AddError($"{option.Name} is required with an https:// address (mutual TLS).");
                }
            }
        });
    }

    /// <summary>Opens a channel from the parsed options; the caller disposes it.</summary>
    /// <exception cref="InvalidOperationException">A certificate or key file cannot be loaded.</exception>
    public GrpcChannel Open(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var address = parse.GetValue(Address)!;
        var tls = address.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        return GrpcChannelFactory.Create(new ChannelSettings
        {
            Address = address,
            ClientCertificate = tls ? MutualTls.LoadPem(parse.GetValue(Certificate)!.FullName, parse.GetValue(Key)!.FullName) : null,
            TrustedCa = tls ? MutualTls.LoadPemBundle(parse.GetValue(Ca)!.FullName) : null,
        });
    }
}
