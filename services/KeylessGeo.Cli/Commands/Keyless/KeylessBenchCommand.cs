using System.CommandLine;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary><c>keylessgeo keyless bench</c>: closed-loop load over the Keyless protocol; prints ops/s, p50/p99 and errors by kind.</summary>
public static class KeylessBenchCommand
{
    /// <summary>The longest run the command accepts.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output)
    {
        var connection = new KeylessConnectionOptions();
        var key = new KeySelectorOptions();
        var payload = new PayloadOptions();
        var connections = new Option<int>("--connections") { Description = "Connections to open (1 to 64).", DefaultValueFactory = _ => 1 };
        var inflight = new Option<int>("--inflight") { Description = "Requests in flight at once, spread over the connections (1 to 4096).", DefaultValueFactory = _ => 8 };
        var duration = new Option<double>("--duration") { Description = "Seconds to run.", DefaultValueFactory = _ => 10 };
        var operation = new Option<string?>("--operation") { Description = "The operation to load the key with; without it, pings." };
        var command = new Command("bench", "Load a Keyless server with pings or one key's operation and report throughput, latency and errors.")
        {
            connections, inflight, duration, operation,
        };
        connection.AddTo(command);
        key.AddTo(command);
        payload.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var errors = new List<string>();
            if (parse.GetValue(connections) is < 1 or > 64)
            {
                errors.Add($"--connections {parse.GetValue(connections)} must be from 1 to 64.");
            }

            if (parse.GetValue(inflight) is < 1 or > 4096)
            {
                errors.Add($"--inflight {parse.GetValue(inflight)} must be from 1 to 4096.");
            }

            var seconds = parse.GetValue(duration);
            if (!double.IsFinite(seconds) || seconds <= 0 || seconds > MaxDuration.TotalSeconds)
            {
                errors.Add($"--duration {seconds} must be more than 0 and at most {MaxDuration.TotalSeconds} seconds.");
            }

            var request = await BuildRequestAsync(parse, operation, key, payload, errors, cancellation);
            await using var client = errors.Count == 0 ? connection.TryCreateClient(parse, parse.GetValue(connections), errors) : null;
            if (client is null || request is null || errors.Count > 0)
            {
                return await KeylessCliOutput.BadArgumentsAsync(output, errors);
            }

            // One request first: an unreachable server fails here instead of spinning the loop on
            // local failures, and connection setup stays out of the figures.
            var timeout = connection.RequestTimeout(parse);
            var first = await client.SignAsync(request.Value, timeout, cancellation);
            if (!first.IsSuccess && first.WireError is null)
            {
                return await KeylessCliOutput.FailureAsync(output, first, client.Endpoint);
            }

            var result = await KeylessBench.RunAsync(client, request.Value, parse.GetValue(inflight), TimeSpan.FromSeconds(seconds), timeout, cancellation);
            await PrintAsync(output, result, client.Endpoint, request.Value.Opcode, parse.GetValue(connections), parse.GetValue(inflight));
            return result.Succeeded > 0 ? 0
                : result.Errors.Keys.Any(kind => !kind.StartsWith("client ", StringComparison.Ordinal)) ? KeylessCliOutput.ServerError
                : KeylessCliOutput.CallFailed;
        });
        return command;
    }

    private static async Task<KeylessOperationRequest?> BuildRequestAsync(
        ParseResult parse, Option<string?> operation, KeySelectorOptions key, PayloadOptions payload, List<string> errors, CancellationToken cancellationToken)
    {
        if (parse.GetValue(operation) is not { } name)
        {
            return new KeylessOperationRequest { Opcode = KeylessOpcode.Ping, Payload = RandomNumberGenerator.GetBytes(16) };
        }

        (Operation Operation, KeylessOpcode Opcode) op;
        try
        {
            op = KeylessOperationCodes.Parse(name);
        }
        catch (ArgumentException ex)
        {
            errors.Add(ex.Message);
            return null;
        }

        var request = key.TryBuild(parse, errors);
        var bytes = await payload.TryReadAsync(parse, op.Operation, DefaultPayload, errors, cancellationToken);
        return request is { } r && bytes is not null ? r with { Opcode = op.Opcode, Payload = bytes } : null;
    }

    /// <summary>A fixed digest (or message) for signatures; decryption needs a real ciphertext, so none.</summary>
    private static byte[]? DefaultPayload(Operation operation) => operation switch
    {
        Operation.RsaDecryptPkcs1 or Operation.RsaDecryptRaw => null,
        Operation.RsaPkcs1Sha224 or Operation.EcdsaSha224 => SHA256.HashData("keylessgeo bench"u8)[..28],
        _ => SignPayload.FromInput(operation, "keylessgeo bench"u8.ToArray()),
    };

    private static async Task PrintAsync(TextWriter output, BenchResult result, string endpoint, KeylessOpcode opcode, int connections, int inflight)
    {
        await output.WriteLineAsync($"{KeylessNames.Of(opcode)} on {endpoint}: {connections} connection(s), {inflight} in flight, {result.Elapsed.TotalSeconds:F2} s");
        await output.WriteLineAsync($"  {result.Succeeded} ok, {result.Failed} failed");
        await output.WriteLineAsync($"  rate: {result.Rate:F0} ops/s");
        await output.WriteLineAsync($"  latency: p50 {result.Percentile(0.50).TotalMilliseconds:F3} ms, p99 {result.Percentile(0.99).TotalMilliseconds:F3} ms");
        foreach (var (kind, count) in result.Errors)
        {
            await output.WriteLineAsync($"  error {kind}: {count}");
        }
    }
}
