using System.CommandLine;
using System.Security.Cryptography;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>
/// Where a Keyless server is and the mutual-TLS material to reach it. Missing or bad values are
/// collected as a list by <see cref="TryCreateClient"/> (exit 2), not left to the parser.
/// </summary>
public sealed class KeylessConnectionOptions
{
    /// <summary>The server, HOST:PORT.</summary>
    public Option<string?> Address { get; } = new("--address") { Description = "Keyless server: HOST:PORT, [IPv6]:PORT, or HOST (port 2407)." };

    /// <summary>The CA that issued the server's certificate.</summary>
    public Option<FileInfo?> Ca { get; } = new("--ca") { Description = "PEM file of the CA that issued the server's certificate." };

    /// <summary>The client certificate.</summary>
    public Option<FileInfo?> Certificate { get; } = new("--cert") { Description = "PEM file of this client's certificate (mutual TLS)." };

    /// <summary>The client certificate's private key.</summary>
    public Option<FileInfo?> Key { get; } = new("--key") { Description = "PEM file of this client's private key." };

    /// <summary>The name the server certificate must carry.</summary>
    public Option<string?> ServerName { get; } = new("--server-name") { Description = "Name the server certificate must carry (TLS SNI); defaults to the address's host." };

    /// <summary>Each request's time budget.</summary>
    public Option<uint> Timeout { get; } = new("--timeout-ms") { Description = "Each request's time budget, connecting included.", DefaultValueFactory = _ => 5000 };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Address);
        command.Options.Add(Ca);
        command.Options.Add(Certificate);
        command.Options.Add(Key);
        command.Options.Add(ServerName);
        command.Options.Add(Timeout);
    }

    /// <summary>The request budget from <paramref name="parse"/>.</summary>
    public TimeSpan RequestTimeout(ParseResult parse) => TimeSpan.FromMilliseconds(Math.Max(1u, parse.GetValue(Timeout)));

    /// <summary>
    /// Creates a client with <paramref name="connections"/> connections, or adds to
    /// <paramref name="errors"/> every problem with the options and returns null.
    /// </summary>
    public KeylessClient? TryCreateClient(ParseResult parse, int connections, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        KeylessEndpoint? endpoint = null;
        if (parse.GetValue(Address) is not { } address)
        {
            errors.Add("--address HOST:PORT is required.");
        }
        else
        {
            try
            {
                endpoint = KeylessEndpoint.Parse(address);
            }
            catch (ArgumentException ex)
            {
                errors.Add(ex.Message);
            }
        }

        foreach (var option in new[] { Ca, Certificate, Key })
        {
            if (parse.GetValue(option) is not { } file)
            {
                errors.Add($"{option.Name} is required (the Keyless protocol always uses mutual TLS).");
            }
            else if (!file.Exists)
            {
                errors.Add($"{option.Name}: '{file.FullName}' does not exist.");
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        try
        {
            var timeout = RequestTimeout(parse);
            return new KeylessClient(new KeylessClientOptions
            {
                Host = endpoint!.Value.Host,
                Port = endpoint.Value.Port,
                ServerName = parse.GetValue(ServerName),
                ClientCertificate = MutualTls.LoadPem(parse.GetValue(Certificate)!.FullName, parse.GetValue(Key)!.FullName),
                TrustedCa = MutualTls.LoadPemBundle(parse.GetValue(Ca)!.FullName),
                ConnectionCount = connections,
                ConnectTimeout = timeout,
                RequestTimeout = timeout,
            });
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or CryptographicException or IOException)
        {
            errors.Add(ex.Message);
            return null;
        }
    }
}
