using System.CommandLine;
using System.Text.Json.Nodes;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary><c>--key FILE [--cert FILE] [--passphrase-env VAR] [--host NAME ...]</c> for key import and rotation.</summary>
public sealed class KeyMaterialOptions
{
    public Option<FileInfo> Key { get; } = new("--key") { Description = "The private key PEM: PKCS#1, PKCS#8, SEC1, or encrypted PKCS#8 (with --passphrase-env).", Required = true };

    public Option<FileInfo?> Certificate { get; } = new("--cert") { Description = "The key's certificate (PEM); it must carry the key's public key." };

    public Option<string?> PassphraseEnv { get; } = new("--passphrase-env") { Description = "The environment variable holding the encrypted key's passphrase (never a command-line argument)." };

    public Option<string[]> Hosts { get; } = new("--host") { Description = "A host name the key serves (repeatable), besides the certificate's." };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Key);
        command.Options.Add(Certificate);
        command.Options.Add(PassphraseEnv);
        command.Options.Add(Hosts);
    }

    /// <summary>Adds <c>privateKey</c>, <c>passphrase</c>, <c>certificate</c> and <c>hostNames</c> to <paramref name="body"/>.</summary>
    public async Task AddToBodyAsync(ParseResult parse, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        body["privateKey"] = await ControlPlaneAction.ReadFileAsync(parse.GetValue(Key)!, "the private key file", cancellationToken);
        if (parse.GetValue(PassphraseEnv) is { } variable)
        {
            body["passphrase"] = Environment.GetEnvironmentVariable(variable)
                ?? throw new CliUsageException($"--passphrase-env {variable}: the environment variable is not set");
        }

        if (parse.GetValue(Certificate) is { } certificate)
        {
            body["certificate"] = await ControlPlaneAction.ReadFileAsync(certificate, "the certificate file", cancellationToken);
        }

        var hosts = parse.GetValue(Hosts) ?? [];
        body["hostNames"] = new JsonArray([.. hosts.Select(h => (JsonNode?)JsonValue.Create(h))]);
    }
}
