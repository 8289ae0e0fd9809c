using System.CommandLine;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using Grpc.Core;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.Cli.Commands;

/// <summary><c>keylessgeo sign</c>: asks a keyserver for one operation and prints the outcome.</summary>
public static class SignCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output)
    {
        var connection = new ConnectionOptions();
        var keyId = new Option<string?>("--key-id") { Description = "The key's id (its file name without .key)." };
        var ski = new Option<string?>("--ski") { Description = "The key's SKI, 40 hex digits." };
        var sni = new Option<string?>("--sni") { Description = "A server name the key's certificate covers." };
        var operation = new Option<string>("--operation") { Description = "The operation, e.g. EcdsaSha256, RsaPssSha256, RsaDecryptPkcs1, Ed25519.", Required = true };
        var input = new Option<FileInfo?>("--input") { Description = "File to sign (its digest is computed for the operation), or ciphertext to decrypt." };
        var payloadHex = new Option<string?>("--payload-hex") { Description = "The payload itself, in hex (a digest, a message or a ciphertext)." };
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the signature or plaintext here (raw bytes)." };
        var timeout = new Option<uint>("--timeout-ms") { Description = "The request's time budget.", DefaultValueFactory = _ => 5000 };
        var command = new Command("sign", "Ask a keyserver for a signature or a decryption, over gRPC with mutual TLS.")
        {
            keyId, ski, sni, operation, input, payloadHex, outFile, timeout,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            if (OperationNames.Parse(parse.GetValue(operation)!) is not { } op)
            {
                await output.WriteLineAsync($"unknown operation '{parse.GetValue(operation)}'; one of: {OperationNames.All}");
                return 2;
            }

            KeyRef reference;
            byte[] payload;
            try
            {
                reference = new KeyRef
                {
                    KeyId = parse.GetValue(keyId) ?? "",
                    Ski = ByteString.CopyFrom(Convert.FromHexString(parse.GetValue(ski) ?? "")),
                    Sni = parse.GetValue(sni) ?? "",
                };
                payload = parse.GetValue(payloadHex) is { } hex
                    ? Convert.FromHexString(hex)
                    : parse.GetValue(input) is { } file
                        ? SignPayload.FromInput(op, await File.ReadAllBytesAsync(file.FullName, cancellation))
                        : throw new ArgumentException("give the payload with --input FILE or --payload-hex HEX");
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IOException)
            {
                await output.WriteLineAsync("bad arguments: " + ex.Message);
                return 2;
            }

            var request = new SignRequest { Id = 1, Key = reference, Operation = op, Payload = ByteString.CopyFrom(payload), TimeoutMs = parse.GetValue(timeout) };
            SignResponse response;
            try
            {
                using var channel = connection.Open(parse);
                response = await new KeyServerClient(channel).SignAsync(request, cancellationToken: cancellation);
            }
            catch (InvalidOperationException ex)
            {
                await output.WriteLineAsync("bad arguments: " + ex.Message);
                return 2;
            }
            catch (RpcException ex)
            {
                await output.WriteLineAsync($"call failed: {ex.StatusCode}: {ex.Status.Detail}");
                return 3;
            }

            await output.WriteLineAsync($"served by {response.ServedBy.KeyserverId} in {response.ServedBy.Datacenter}");
            if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result)
            {
                await output.WriteLineAsync($"error {response.Error.Code}: {response.Error.Message}");
                return 1;
            }

            var result = response.Result.ToByteArray();
            await output.WriteLineAsync($"{op}: {result.Length} bytes");
            await output.WriteLineAsync(Convert.ToHexStringLower(result));
            if (parse.GetValue(outFile) is { } destination)
            {
                await File.WriteAllBytesAsync(destination.FullName, result, cancellation);
            }

            return 0;
        });
        return command;
    }
}
