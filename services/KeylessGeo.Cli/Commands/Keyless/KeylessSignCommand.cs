using System.CommandLine;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary><c>keylessgeo keyless sign</c>: one private-key operation over the Keyless protocol, printed like <c>sign</c>'s.</summary>
public static class KeylessSignCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output)
    {
        var connection = new KeylessConnectionOptions();
        var key = new KeySelectorOptions();
        var payload = new PayloadOptions();
        var operation = new Option<string?>("--operation") { Description = "The operation, e.g. EcdsaSha256, RsaPssSha256, RsaDecryptPkcs1, Ed25519 (sent as its Keyless opcode)." };
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the signature or plaintext here (raw bytes)." };
        var command = new Command("sign", "Ask a Keyless server for a signature or a decryption, over mutual TLS.") { operation, outFile };
        connection.AddTo(command);
        key.AddTo(command);
        payload.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var errors = new List<string>();
            (Operation Operation, KeylessOpcode Opcode)? op = null;
            try
            {
                op = KeylessOperationCodes.Parse(parse.GetValue(operation) ?? throw new ArgumentException("--operation is required."));
            }
            catch (ArgumentException ex)
            {
                errors.Add(ex.Message);
            }

            var request = key.TryBuild(parse, errors);
            var bytes = op is { } known ? await payload.TryReadAsync(parse, known.Operation, _ => null, errors, cancellation) : null;
            await using var client = connection.TryCreateClient(parse, connections: 1, errors);
            if (errors.Count > 0 || client is null || request is null || op is null || bytes is null)
            {
                return await KeylessCliOutput.BadArgumentsAsync(output, errors);
            }

            var result = await client.SignAsync(request.Value with { Opcode = op.Value.Opcode, Payload = bytes }, connection.RequestTimeout(parse), cancellation);
            if (!result.IsSuccess)
            {
                return await KeylessCliOutput.FailureAsync(output, result, client.Endpoint);
            }

            var value = result.Value.ToArray();
            await output.WriteLineAsync($"answered by {client.Endpoint} over the Keyless protocol ({KeylessNames.Of(op.Value.Opcode)})");
            await output.WriteLineAsync($"{op.Value.Operation}: {value.Length} bytes");
            await output.WriteLineAsync(Convert.ToHexStringLower(value));
            if (parse.GetValue(outFile) is { } destination)
            {
                await File.WriteAllBytesAsync(destination.FullName, value, cancellation);
            }

            return 0;
        });
        return command;
    }
}
