using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary><c>keylessgeo keyless ping</c>: one ping over the Keyless protocol, its round trip and the echo check.</summary>
public static class KeylessPingCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output)
    {
        var connection = new KeylessConnectionOptions();
        var payloadHex = new Option<string?>("--payload-hex") { Description = "The ping's payload in hex (default: 16 random bytes)." };
        var command = new Command("ping", "Ping a Keyless server over mutual TLS and check that it echoes the payload.") { payloadHex };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var errors = new List<string>();
            byte[] payload = RandomNumberGenerator.GetBytes(16);
            if (parse.GetValue(payloadHex) is { } hex)
            {
                try
                {
                    payload = Convert.FromHexString(hex);
                }
                catch (FormatException)
                {
                    errors.Add("--payload-hex must be hex digits, two per byte.");
                }
            }

            await using var client = connection.TryCreateClient(parse, connections: 1, errors);
            if (client is null || errors.Count > 0)
            {
                return await KeylessCliOutput.BadArgumentsAsync(output, errors);
            }

            var started = Stopwatch.GetTimestamp();
            var result = await client.PingAsync(payload, connection.RequestTimeout(parse), cancellation);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (!result.IsSuccess)
            {
                return await KeylessCliOutput.FailureAsync(output, result, client.Endpoint);
            }

            // The first request on a new client also pays for TCP and the TLS handshake.
            await output.WriteLineAsync($"pong from {client.Endpoint} in {elapsed.TotalMilliseconds:F2} ms (connection setup included)");
            if (!result.Value.Span.SequenceEqual(payload))
            {
                await output.WriteLineAsync($"payload NOT echoed: sent {payload.Length} bytes, got {result.Value.Length} bytes {Convert.ToHexStringLower(result.Value.Span)}");
                return KeylessCliOutput.ServerError;
            }

            await output.WriteLineAsync($"payload echoed: {payload.Length} bytes match");
            return 0;
        });
        return command;
    }
}
